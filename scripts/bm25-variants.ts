/**
 * Measures the bm25 design choices behind docs/bm25.md: Chinese term mode × statistics collection, then a small
 * k1/b grid for the chosen terms, on ../shared/data/t2ranking-dev100.jsonl (real T2Ranking text, not in the repo)
 * and on the embedded sample task, with the project's MTEB-exact evaluator (src/metrics/evaluate.ts).
 *   node --import tsx scripts/bm25-variants.ts [--grid] [--ties]
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RerankRow } from "../src/data/types.js";
import { pairedStats } from "../src/compare/paired-stats.js";
import { loadDatasetFile } from "../src/data/load.js";
import { evaluateReranking } from "../src/metrics/evaluate.js";
import { BM25_STATS, type Bm25Options, createBm25 } from "../src/models/bm25.js";
import { CHINESE_TERMS } from "../src/tokenize/lexical.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sets: Array<[string, string]> = [
  ["t2ranking-dev100", resolve(repoRoot, "../shared/data/t2ranking-dev100.jsonl")],
  ["zh-sample", resolve(repoRoot, "tasks/data/zh-sample.jsonl")],
];

interface Measured {
  map: number;
  mrr: number;
  aps: number[];
  seconds: number;
}

async function measure(rows: RerankRow[], o: Bm25Options): Promise<Measured> {
  const t0 = performance.now();
  const { scores, perQuery } = await evaluateReranking(rows, createBm25(o), { recall: false });
  return { map: scores.map, mrr: scores.mrr, aps: perQuery.map((q) => q.ap), seconds: (performance.now() - t0) / 1000 };
}

/** ΔMAP of a over b with the paired-bootstrap 95% interval `bench compare` reports (src/compare/paired-stats.ts) and wins/losses. */
function paired(a: number[], b: number[]): string {
  const d = a.map((x, i) => x - b[i]);
  const { meanDiff, ci95 } = pairedStats(d);
  const sign = (x: number): string => (x >= 0 ? "+" : "") + x.toFixed(4);
  const wins = d.filter((x) => x > 1e-12).length;
  const losses = d.filter((x) => x < -1e-12).length;
  return `${sign(meanDiff)} [${sign(ci95[0])}, ${sign(ci95[1])}] ${wins}/${losses}`;
}

const f4 = (x: number): string => x.toFixed(4);

/**
 * MRR@10 of the default bm25 with ties broken positives-first (the evaluator's rule, docs/spec.md §2.3) and
 * negatives-first (the pessimistic order), and how many queries differ: how much ties can matter.
 */
async function tieSpread(rows: RerankRow[]): Promise<string> {
  const kept = rows.filter((r) => r.positive.length > 0 && r.negative.length > 0);
  const model = createBm25();
  let optimistic = 0;
  let pessimistic = 0;
  let differ = 0;
  for (const r of kept) {
    const docs = [...r.positive, ...r.negative];
    const queries = typeof r.query === "string" ? [r.query] : r.query;
    const lists = await model.score(queries.map((query, row) => ({ row, query, docs })));
    const s = docs.map((_, d) => Math.max(...lists.map((l) => Math.fround(l[d]))));
    const rr = (positivesFirst: boolean): number => {
      const order = s.map((_, i) => i).sort((a, b) => s[b] - s[a] || (positivesFirst ? a - b : b - a));
      const k = order.slice(0, 10).findIndex((i) => i < r.positive.length);
      return k < 0 ? 0 : 1 / (k + 1);
    };
    const [o, p] = [rr(true), rr(false)];
    optimistic += o;
    pessimistic += p;
    if (o !== p) differ++;
  }
  return `${f4(optimistic / kept.length)} | ${f4(pessimistic / kept.length)} | ${differ}`;
}

async function main(): Promise<void> {
  const data: Array<[string, RerankRow[]]> = [];
  for (const [name, path] of sets) {
    if (!existsSync(path)) {
      process.stderr.write(`warning: ${path} is missing; skipping ${name}\n`);
      continue;
    }
    data.push([name, (await loadDatasetFile(path)).rows]);
  }
  // Reference for the paired columns: the SOURCES.md baseline (character bigrams inside each candidate list).
  const base = await Promise.all(data.map(([, rows]) => measure(rows, { chinese: "bigram", stats: "list" })));
  const head = data.map(([n]) => `${n} MAP | MRR@10 | ΔMAP vs bigram/list [95% CI] wins/losses`).join(" | ");
  console.log(`| terms | stats | ${head} | seconds |`);
  console.log(`|---|---|${data.map(() => "---:|---:|---").join("|")}|---:|`);
  for (const chinese of CHINESE_TERMS) {
    for (const stats of BM25_STATS) {
      const cells: string[] = [];
      let seconds = 0;
      for (const [k, [, rows]] of data.entries()) {
        const m = await measure(rows, { chinese, stats });
        cells.push(f4(m.map), f4(m.mrr), paired(m.aps, base[k].aps));
        seconds += m.seconds;
      }
      console.log(`| ${chinese} | ${stats} | ${cells.join(" | ")} | ${seconds.toFixed(2)} |`);
    }
  }
  if (process.argv.includes("--ties")) {
    console.log("\n| data | MRR@10 ties positives-first | MRR@10 ties negatives-first | queries that differ |");
    console.log("|---|---:|---:|---:|");
    for (const [name, rows] of data) console.log(`| ${name} | ${await tieSpread(rows)} |`);
  }
  if (!process.argv.includes("--grid")) return;
  // k1/b sensitivity for the default terms and stats (the dev100 file is 95 queries: a small grid, read with care).
  console.log(`\n| k1 | b | ${data.map(([n]) => `${n} MAP | ${n} MRR@10`).join(" | ")} |`);
  console.log(`|---:|---:|${data.map(() => "---:|---:").join("|")}|`);
  for (const k1 of [0.6, 0.9, 1.2, 1.5, 2.0]) {
    for (const b of [0.3, 0.5, 0.75, 0.9, 1.0]) {
      const cells: string[] = [];
      for (const [, rows] of data) {
        const m = await measure(rows, { k1, b });
        cells.push(f4(m.map), f4(m.mrr));
      }
      console.log(`| ${k1} | ${b} | ${cells.join(" | ")} |`);
    }
  }
}

await main();
