/**
 * `npm run bench:core`: the evaluation core's speed on a generated T2Reranking-sized dataset (6,129 rows,
 * ~16.5 documents per row, ~840-character documents) written as snappy parquet, as the hub file is.
 * Times, each compared in the same run with a baseline:
 *   load    bench's loader (magic-byte detection + sha256 + hyparquet + row validation) vs hyparquet's raw read
 *   split   train_test_split(0.1, seed 42) + train filter (goal: load + split ≤ 3 s)
 *   metrics MTEB metrics over every row from precomputed scores (goal ≤ 0.5 s) vs AP/MRR alone
 * Medians of --repeat runs (default 3). Figures go to docs/benchmarks.md by hand, with the machine and date.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { loadDatasetFile } from "../src/data/load.js";
import type { RerankRow } from "../src/data/types.js";
import { averagePrecision } from "../src/metrics/average-precision.js";
import { evaluateReranking } from "../src/metrics/evaluate.js";
import { reciprocalRankAtK } from "../src/metrics/mrr.js";
import type { Reranker } from "../src/models/types.js";
import { PCG64 } from "../src/split/pcg64.js";
import { trainTestSplit } from "../src/split/train-test-split.js";
import { parquetBytes } from "./lib/columnar-fixtures.js";
import { t2LikeRows } from "./lib/t2-like-data.js";

const repeat = Number(process.argv.find((a) => a.startsWith("--repeat="))?.split("=")[1] ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

function dataset(): string {
  const path = join(tmpdir(), "bench-core-t2like-v1.parquet");
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path} (once) …\n`);
    writeFileSync(path, parquetBytes(t2LikeRows(), "SNAPPY"));
  }
  return path;
}

/** Deterministic pseudo-random float32-representable scores, one list per row (a real Reranker over row indices). */
function randomScores(rows: RerankRow[]): Reranker {
  const rng = new PCG64(123);
  const perRow = rows.map((r) =>
    Array.from({ length: r.positive.length + r.negative.length }, () => Math.fround(Number(rng.next64() >> 40n) / 2 ** 24)),
  );
  return {
    info: {
      name: "random",
      revision: null,
      modelType: "precomputed",
      similarityFn: null,
      framework: ["bench"],
      nParameters: null,
      embedDim: null,
      maxTokens: null,
    },
    score: async (reqs) => reqs.map((q) => perRow[q.row]!),
    close: async () => {},
  };
}

const path = dataset();
const bytes = readFileSync(path);
const load = await timeIt(() => loadDatasetFile(path));
const raw = await timeIt(async () => {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({ file: ab, columns: ["query", "positive", "negative"], compressors });
});
const rows = load.value.rows;
const nDocs = rows.reduce((s, r) => s + r.positive.length + r.negative.length, 0);
const nChars = rows.reduce((s, r) => s + [...r.positive, ...r.negative].reduce((a, d) => a + d.length, 0), 0);
const split = await timeIt(() => {
  const s = trainTestSplit(rows.length, { testSize: { kind: "fraction", value: 0.1 }, seed: 42 });
  const train = s.trainIndices.map((i) => rows[i]!).filter((r) => r.positive.length > 0 && r.negative.length > 0);
  return { ...s, nTrainFiltered: train.length };
});
const model = randomScores(rows);
const metrics = await timeIt(() => evaluateReranking(rows, model));
const scored = await model.score(rows.map((r, i) => ({ row: i, query: String(r.query), docs: [...r.positive, ...r.negative] })));
const apMrrOnly = await timeIt(() => {
  let s = 0;
  rows.forEach((r, i) => {
    if (r.positive.length === 0 || r.negative.length === 0) return;
    const rel = [...r.positive.map(() => true), ...r.negative.map(() => false)];
    s += averagePrecision(rel, scored[i]!) + reciprocalRankAtK(rel, scored[i]!, 10);
  });
  return s;
});

const f = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const loadSplit = load.ms + split.ms;
console.log(`bench:core — ${cpus()[0]?.model ?? "?"} × ${cpus().length}, node ${process.version}, median of ${repeat}`);
console.log(
  `data: ${path} (${(bytes.length / 1e6).toFixed(1)} MB parquet snappy), ${rows.length} rows, ${nDocs} docs (${(nDocs / rows.length).toFixed(2)}/row), ${(nChars / nDocs).toFixed(0)} chars/doc`,
);
console.log(`load     ${f(load.ms)}   (hyparquet raw read ${f(raw.ms)}; bench's validation + sha256 + detection = ${f(load.ms - raw.ms)})`);
console.log(
  `split    ${f(split.ms)}   (n_test ${split.value.nTest}, n_train ${split.value.nTrain}, n_train_filtered ${split.value.nTrainFiltered})`,
);
console.log(`load+split ${f(loadSplit)}  goal ≤ 3.000 s  ${loadSplit <= 3000 ? "PASS" : "FAIL"}`);
console.log(
  `metrics  ${f(metrics.ms)}   (${metrics.value.nEvaluated} queries; AP+MRR alone ${f(apMrrOnly.ms)}; the rest is nAUC, recall, validation)  goal ≤ 0.500 s  ${metrics.ms <= 500 ? "PASS" : "FAIL"}`,
);
console.log(`map ${metrics.value.scores.map} mrr ${metrics.value.scores.mrr}`);
