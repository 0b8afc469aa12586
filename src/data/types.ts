/**
 * One reranking row, the T2Reranking schema: a query (or a list of sub-queries, scored by max, docs/spec.md §2.1),
 * its positive passages and its negative passages. This is what every loader returns.
 */
export interface RerankRow {
  query: string | string[];
  positive: string[];
  negative: string[];
}

/** Where a dataset came from; copied into split.json and result provenance. */
export interface DatasetSource {
  /** Absolute path of the file that was read. */
  path: string;
  /** Detected format of that file. */
  format: DataFormat;
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  /** Set when the file was resolved from a registered task (tasks/*.json). */
  task?: string;
  revision?: string | null;
}

/** A dataset file format, as detected from the file's first bytes (data/load.ts). */
export type DataFormat = "jsonl" | "json" | "arrow-stream" | "arrow-file" | "parquet";

/** Rows in file order plus their provenance. */
export interface LoadedDataset {
  rows: RerankRow[];
  source: DatasetSource;
}
