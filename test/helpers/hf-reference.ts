/**
 * Hugging Face's own Rust tokenizer (npm `tokenizers`, a dev-only reference) against bench's src/tokenize, over
 * the texts bench really tokenizes: every query and passage of the embedded sample (tasks/data) and of
 * ../shared/data/t2ranking-dev100.jsonl, single sequences truncated at the lengths eval and train use, and
 * (query, passage) pairs as a cross-encoder encodes them. Also builds an XLM-R-layout Unigram tokenizer.json
 * whose vocabulary is drawn from those texts (the npm package has no trainer).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { TextTokenizer } from "../../src/tokenize/tokenizer.js";
import { unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";
import { nmtNfkcMap, precompiledCharsmap } from "./precompiled-charsmap.js";

const require = createRequire(import.meta.url);

/** The subset of npm `tokenizers` (CommonJS, native) used here; encode/encodeBatch are asynchronous. */
interface RustEncoding {
  getIds(): number[];
  getTypeIds(): number[];
}
export interface RustTokenizer {
  setTruncation(maxLength: number, options?: { strategy?: string }): void;
  disableTruncation(): void;
  encode(a: string, b?: string | null): Promise<RustEncoding>;
  /** Single sequences only: this binding refuses [a, b] arrays. */
  encodeBatch(inputs: string[]): Promise<RustEncoding[]>;
}
const rust = require("tokenizers") as { Tokenizer: { fromFile(path: string): RustTokenizer; fromString(json: string): RustTokenizer } };

/** Hugging Face's Rust tokenizer loaded from a tokenizer.json file or string. */
export function rustTokenizer(fileOrJson: string): RustTokenizer {
  return fileOrJson.trimStart().startsWith("{") ? rust.Tokenizer.fromString(fileOrJson) : rust.Tokenizer.fromFile(fileOrJson);
}

const repoRoot = resolve(import.meta.dirname, "../..");
/** The embedded sample and the shared T2Ranking dev excerpt. */
export const REFERENCE_FILES = [join(repoRoot, "tasks/data/zh-sample.jsonl"), join(repoRoot, "../shared/data/t2ranking-dev100.jsonl")];

/** Texts of the reference files: unique queries, unique passages, (first query, passage) pairs; `missing` files. */
export interface ReferenceTexts {
  queries: string[];
  passages: string[];
  pairs: [string, string][];
  missing: string[];
}

/** Reads every query (a row's query may be a list) and passage of REFERENCE_FILES that exist. */
export function referenceTexts(files = REFERENCE_FILES): ReferenceTexts {
  const queries = new Set<string>();
  const passages = new Set<string>();
  const pairs: [string, string][] = [];
  const missing: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) {
      missing.push(f);
      continue;
    }
    for (const line of readFileSync(f, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { query: string | string[]; positive: string[]; negative: string[] };
      const qs = [row.query].flat();
      for (const q of qs) queries.add(q);
      for (const p of [...row.positive, ...row.negative]) {
        passages.add(p);
        pairs.push([qs[0], p]);
      }
    }
  }
  return { queries: [...queries], passages: [...passages], pairs, missing };
}

/** One comparison's outcome: how many inputs, how many differ, and the first few differences. */
export interface Comparison {
  what: string;
  n: number;
  differences: number;
  examples: string[];
}

function diffExample(input: string | [string, string], ours: number[], theirs: number[]): string {
  let i = 0;
  while (i < ours.length && ours[i] === theirs[i]) i++;
  const text = JSON.stringify(input).slice(0, 120);
  return `${text}: first difference at token ${i}: bench [${ours.slice(i, i + 6).join(",")}] rust [${theirs.slice(i, i + 6).join(",")}] (lengths ${ours.length} / ${theirs.length})`;
}

/** bench's `encode(text, maxLength)` vs the Rust tokenizer truncating at maxLength (specials included), id for id. */
export async function compareSingles(
  ours: TextTokenizer,
  ref: RustTokenizer,
  texts: string[],
  maxLength: number,
  what: string,
): Promise<Comparison> {
  ref.setTruncation(maxLength);
  const theirs = await ref.encodeBatch(texts);
  const out: Comparison = { what: `${what} @${maxLength}`, n: texts.length, differences: 0, examples: [] };
  texts.forEach((t, i) => {
    const a = ours.encode(t, maxLength);
    const b = theirs[i].getIds();
    if (a.length !== b.length || a.some((x, j) => x !== b[j])) {
      out.differences++;
      if (out.examples.length < 5) out.examples.push(diffExample(t, a, b));
    }
  });
  return out;
}

/** bench's `encodePair(a, b, maxLength)` vs the Rust tokenizer's LongestFirst pair truncation: ids and type ids. */
export async function comparePairs(
  ours: TextTokenizer,
  ref: RustTokenizer,
  pairs: [string, string][],
  maxLength: number,
  what: string,
): Promise<Comparison> {
  ref.setTruncation(maxLength, { strategy: "LongestFirst" });
  const theirs: RustEncoding[] = [];
  for (const [a, b] of pairs) theirs.push(await ref.encode(a, b));
  const out: Comparison = { what: `${what} pairs @${maxLength}`, n: pairs.length, differences: 0, examples: [] };
  pairs.forEach((p, i) => {
    const a = ours.encodePair(p[0], p[1], maxLength);
    const ids = theirs[i].getIds();
    const types = theirs[i].getTypeIds();
    const same = a.ids.length === ids.length && a.ids.every((x, j) => x === ids[j]) && a.typeIds.every((x, j) => x === types[j]);
    if (!same) {
      out.differences++;
      if (out.examples.length < 5) out.examples.push(`${diffExample(p, a.ids, ids)}; types bench ${a.typeIds.length} rust ${types.length}`);
    }
  });
  return out;
}

/**
 * An XLM-R-layout Unigram tokenizer.json (bge-m3's pipeline: Precompiled charsmap (./precompiled-charsmap.ts) +
 * Replace(" {2,}", " ") normalizer, Metaspace
 * "▁" pre-tokenizer, `<s> A </s>` / `<s> A </s> </s> B </s>` template, unk id 3) whose pieces are drawn from
 * `texts`: every character seen at least twice (rarer ones become <unk>, exercising unk fusing) and the most
 * frequent 2- and 3-character strings (so Viterbi has real choices), scored by log frequency rounded to float32,
 * as sentencepiece's scores are (XLM-R's tokenizer.json holds float32 values). With arbitrary float64 scores
 * (17 significant digits) the Rust and JS Viterbi disagree on a few near-ties (5 of 1944 T2Ranking passages, a
 * 1-ulp difference between two orders of the same pieces, e.g. "8"+"88" vs "88"+"8"); with float32 scores the
 * path sums are exact and both break ties alike.
 */
export function xlmrUnigramTokenizerJson(texts: string[]): Record<string, unknown> {
  const counts = new Map<string, number>();
  const add = (s: string) => counts.set(s, (counts.get(s) ?? 0) + 1);
  let total = 0;
  for (const t of texts) {
    const words = t.normalize("NFKC").split(" ").filter(Boolean);
    for (const w of words) {
      const cps = ["▁", ...w];
      for (let i = 0; i < cps.length; i++) {
        add(cps[i]);
        total++;
        if (i + 1 < cps.length) add(cps[i] + cps[i + 1]);
        if (i + 2 < cps.length) add(cps[i] + cps[i + 1] + cps[i + 2]);
      }
    }
  }
  const specials = new Set(["<s>", "<pad>", "</s>", "<unk>", "<mask>"]);
  const byCount = [...counts].filter(([s]) => !specials.has(s)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const chars = byCount.filter(([s, c]) => [...s].length === 1 && c >= 2);
  const grams = byCount.filter(([s, c]) => [...s].length > 1 && c >= 4).slice(0, 3000);
  const pieces: [string, number][] = [...chars, ...grams].map(([s, c]) => [
    s,
    Math.fround(Math.log(c / total) - ([...s].length > 1 ? 1 : 0)),
  ]);
  const tj = unigramTokenizerJson(pieces);
  const charsmap = precompiledCharsmap(nmtNfkcMap());
  tj.normalizer = {
    type: "Sequence",
    normalizers: [
      { type: "Precompiled", precompiled_charsmap: charsmap },
      { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
    ],
  };
  return tj;
}
