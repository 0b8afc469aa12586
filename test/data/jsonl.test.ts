import { test } from "node:test";
import assert from "node:assert/strict";
import { detectFormat } from "../../src/data/load.js";
import { parseJsonArray, parseJsonl } from "../../src/data/jsonl.js";
import { benchError } from "./fixtures.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const BOM = "\uFEFF";

test("reads datasets.to_json output: pandas '\\/' escapes, BOM, CRLF, blank trailing line", () => {
  // What to_json(force_ascii=False) writes: UTF-8, "/" escaped as "\/", one record per line.
  const text =
    BOM +
    '{"query":"丰巢\\/快递","positive":["a\\/b","第二"],"negative":[]}\r\n' +
    '{"query":"北京","positive":[],"negative":["x"],"extra":1}\r\n' +
    "\r\n";
  const rows = parseJsonl(enc(text), "/d/t.jsonl");
  assert.deepEqual(rows, [
    { query: "丰巢/快递", positive: ["a/b", "第二"], negative: [] },
    { query: "北京", positive: [], negative: ["x"] },
  ]);
  assert.equal(detectFormat(enc(text)), "jsonl");
});

test("ascii-escaped unicode (force_ascii=True) decodes to the same text", () => {
  const rows = parseJsonl(enc('{"query":"\\u5317\\u4eac","positive":["p"],"negative":["n"]}'), "/d/t.jsonl");
  assert.equal(rows[0]!.query, "北京");
});

test("a malformed line names the file and the 1-based line (blank lines counted)", () => {
  const text = '{"query":"a","positive":[],"negative":[]}\n\n{"query":"b","positive":[,"negative":[]}\n';
  assert.throws(() => parseJsonl(enc(text), "/d/t.jsonl"), benchError(/^data: \/d\/t\.jsonl line 3: malformed JSON/));
});

test("a bad field names file, line and field", () => {
  const text = '{"query":"a","positive":[],"negative":[]}\n{"query":"b","positive":["ok",5],"negative":[]}\n';
  assert.throws(
    () => parseJsonl(enc(text), "/d/t.jsonl"),
    benchError(/^data: \/d\/t\.jsonl line 2: field "positive\[1\]" must be a string, got number 5$/),
  );
});

test("invalid UTF-8 names the line", () => {
  const bytes = new Uint8Array([
    ...enc('{"query":"a","positive":[],"negative":[]}\n{"query":"'),
    0xff,
    ...enc('","positive":[],"negative":[]}\n'),
  ]);
  assert.throws(() => parseJsonl(bytes, "/d/t.jsonl"), benchError(/^data: \/d\/t\.jsonl line 2: not valid UTF-8$/));
});

test("JSON array of records (to_json(lines=False)) with row indexes in errors", () => {
  const text = BOM + '\n [{"query":"a","positive":["p"],"negative":[]},\r\n {"query":"b","positive":[],"negative":["n"]}]\n';
  assert.equal(detectFormat(enc(text)), "json");
  assert.deepEqual(parseJsonArray(enc(text), "/d/t.json"), [
    { query: "a", positive: ["p"], negative: [] },
    { query: "b", positive: [], negative: ["n"] },
  ]);
  assert.throws(
    () => parseJsonArray(enc('[{"query":"a","positive":[],"negative":[]},{"query":"b"}]'), "/d/t.json"),
    benchError(/^data: \/d\/t\.json row 1: field "positive"/),
  );
  assert.throws(() => parseJsonArray(enc('[{"query":"a",'), "/d/t.json"), benchError(/^data: \/d\/t\.json: malformed JSON/));
});
