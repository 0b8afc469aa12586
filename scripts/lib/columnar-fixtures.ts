/**
 * Columnar dataset files built in memory, for tests and benchmarks: Arrow IPC (stream/file, HF-style schema
 * metadata, several record batches, optional large_utf8/large_list) with apache-arrow, and Parquet with
 * parquet-wasm (snappy/zstd).
 */
import { Field, LargeList, LargeUtf8, List, Schema, Table, Utf8, makeBuilder, tableToIPC, type DataType, type Vector } from "apache-arrow";
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from "parquet-wasm";
import type { RerankRow } from "../../src/data/types.js";

/** Column typing options for generated Arrow tables. */
export interface ArrowShape {
  largeUtf8?: boolean;
  largeList?: boolean;
  /** Rows per record batch (datasets' writer_batch_size is 1000). */
  batchSize?: number;
}

// The `huggingface` schema metadata `datasets` writes (features as Value/Sequence).
const HF_META = JSON.stringify({
  info: {
    features: {
      query: { dtype: "string", _type: "Value" },
      positive: { feature: { dtype: "string", _type: "Value" }, _type: "Sequence" },
      negative: { feature: { dtype: "string", _type: "Value" }, _type: "Sequence" },
    },
  },
});

function vector<T extends DataType>(type: T, values: unknown[]): Vector<T> {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const v of values) b.append(v as never);
  return b.finish().toVector();
}

/** An Arrow table of reranking rows with HF schema metadata, split into record batches. */
export function arrowTable(rows: RerankRow[], shape: ArrowShape = {}): Table {
  const str = (): DataType => (shape.largeUtf8 ? new LargeUtf8() : new Utf8());
  const list = (): DataType => (shape.largeList ? new LargeList(new Field("item", str(), true)) : new List(new Field("item", str(), true)));
  const queryIsList = rows.some((r) => Array.isArray(r.query));
  const types: Record<string, DataType> = { query: queryIsList ? list() : str(), positive: list(), negative: list() };
  const size = shape.batchSize ?? 1000;
  const batches = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const t = new Table({
      query: vector(
        types.query,
        chunk.map((r) => r.query),
      ),
      positive: vector(
        types.positive,
        chunk.map((r) => r.positive),
      ),
      negative: vector(
        types.negative,
        chunk.map((r) => r.negative),
      ),
    });
    batches.push(...t.batches);
  }
  const schema = new Schema(
    Object.entries(types).map(([n, t]) => new Field(n, t, true)),
    new Map([["huggingface", HF_META]]),
  );
  return new Table(schema, batches);
}

/** Arrow IPC bytes (stream = HF datasets' cache format, or file = "ARROW1"). */
export function arrowBytes(rows: RerankRow[], format: "stream" | "file", shape: ArrowShape = {}): Uint8Array {
  return tableToIPC(arrowTable(rows, shape), format);
}

/** Parquet bytes written by parquet-wasm (Rust parquet crate) with the given codec. */
export function parquetBytes(rows: RerankRow[], codec: "SNAPPY" | "ZSTD" | "UNCOMPRESSED", shape: ArrowShape = {}): Uint8Array {
  const wasm = WasmTable.fromIPCStream(arrowBytes(rows, "stream", shape));
  return writeParquet(wasm, new WriterPropertiesBuilder().setCompression(Compression[codec]).build());
}
