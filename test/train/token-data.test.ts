import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer } from "../../src/tokenize/tokenizer.js";
import { writeTokenData } from "../../src/train/token-data.js";
import { scratchDir, tinyZh } from "./helpers.js";

function readNpy(path: string): number[] {
  const b = readFileSync(path);
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString("latin1");
  const data = b.subarray(10 + hlen);
  const copy = new Uint8Array(data).buffer;
  return header.includes("'<i4'") ? [...new Int32Array(copy)] : [...new BigInt64Array(copy)].map(Number);
}

function ragged(dir: string, name: string): number[][] {
  const ids = readNpy(join(dir, `${name}.ids.npy`));
  const off = readNpy(join(dir, `${name}.offsets.npy`));
  return off.slice(0, -1).map((o, i) => ids.slice(o, off[i + 1]));
}

test("writeTokenData: unique texts tokenized once with bench's tokenizer, rows index them", (t) => {
  const dir = scratchDir(t, "bench-tokdata-");
  const tok = loadTokenizer(tinyZh);
  const rows = [
    { query: "感冒了怎么办", positive: ["多喝水，多休息。"], negative: ["今天天气很好。", "股票上涨了"] },
    { query: ["感冒了怎么办", "第二个子查询"], positive: ["今天天气很好。"], negative: [] },
    { query: "长城有多长", positive: ["万里长城很长很长很长很长很长很长很长很长"], negative: ["多喝水，多休息。"] },
  ];
  const s = writeTokenData(dir, rows, tok, { queryMaxLength: 8, maxLength: 10 }, { data_sha256: "abc" });
  assert.deepEqual(s, { rows: 3, queries: 2, docs: 4, incomplete: 1, truncatedDocs: 1 });
  const queries = ragged(dir, "queries");
  const docs = ragged(dir, "docs");
  assert.deepEqual(queries, [tok.encode("感冒了怎么办", 8), tok.encode("长城有多长", 8)]);
  assert.equal(queries[0][0], 101); // [CLS]
  assert.equal(queries[0][queries[0].length - 1], 102); // [SEP] kept by truncation
  assert.equal(docs[3].length, 10);
  assert.equal(docs[3][9], 102);
  const flat = readNpy(join(dir, "rows.npy"));
  const off = readNpy(join(dir, "rows.offsets.npy"));
  // [query, n_pos, pos…, n_neg, neg…]; a sub-query list trains on its first query
  assert.deepEqual(off, [0, 6, 10, 15]);
  assert.deepEqual(flat, [0, 1, 0, 2, 1, 2, 0, 1, 1, 0, 1, 1, 3, 1, 0]);
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as Record<string, unknown>;
  assert.equal(meta.format, "bench-train-data/1");
  assert.equal(meta.pad_token_id, 0);
  assert.equal(meta.data_sha256, "abc");
});
