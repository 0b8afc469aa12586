/**
 * `bench split` end to end: spawns the real CLI on generated data in a temp dir and checks the three files
 * against an independent recomputation (permutation, filter, hashes) plus exit codes for bad input.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { permutation } from "../../src/split/permutation.js";
import { indicesSha256 } from "../../src/split/indices-hash.js";
import { parquetBytes } from "../../scripts/lib/columnar-fixtures.js";
import { repoRoot, runCli } from "../helpers/cli.js";

interface Row {
  query: string | string[];
  positive: string[];
  negative: string[];
}

function run(cwd: string, ...args: string[]): { code: number | null; stderr: string } {
  return runEnv(cwd, process.env, ...args);
}

function runEnv(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; stderr: string } {
  const r = runCli(cwd, ["split", ...args], env);
  return { code: r.code, stderr: r.stderr };
}

/** 37 rows; every 5th has no positives, every 7th no negatives; some non-ASCII, one multi-query row. */
function makeRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    query: i === 3 ? [`q${i}a`, `q${i}b`] : i % 4 === 0 ? `问题 ${i} “引号” \\ /` : `q${i}`,
    positive: i % 5 === 0 ? [] : [`pos ${i}`, `正例 ${i}`],
    negative: i % 7 === 0 ? [] : [`neg ${i}`],
  }));
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "bench-split-"));
}

const line = (r: Row): string => `${JSON.stringify({ query: r.query, positive: r.positive, negative: r.negative })}\n`;

test("bench split writes train/test/split.json exactly as train_test_split(0.1, seed=42) + filter", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rows = makeRows(37);
  // Keys deliberately in another order in the input: the output must still be query, positive, negative.
  const input = rows.map((r) => JSON.stringify({ negative: r.negative, query: r.query, positive: r.positive })).join("\n") + "\n";
  writeFileSync(join(dir, "in.jsonl"), input);
  const r = run(dir, "--input", "in.jsonl", "--out", "out");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /37 rows → test part 4 rows/);

  const perm = permutation(37, 42);
  const testIdx = perm.slice(0, 4); // ceil(0.1 * 37) = 4
  const trainIdx = perm.slice(4);
  const meta = JSON.parse(readFileSync(join(dir, "out/split.json"), "utf8"));
  assert.deepEqual(meta, {
    source: {
      path: join(dir, "in.jsonl"),
      format: "jsonl",
      sha256: createHash("sha256").update(input).digest("hex"),
    },
    n: 37,
    n_test: 4,
    n_train: 33,
    n_train_filtered: trainIdx.filter((i) => i % 5 !== 0 && i % 7 !== 0).length,
    seed: 42,
    test_size: 0.1,
    test_indices: testIdx,
    train_indices: trainIdx,
    test_indices_sha256: indicesSha256(testIdx),
    train_indices_sha256: indicesSha256(trainIdx),
  });
  assert.ok(meta.n_train_filtered < 33 && meta.n_train_filtered > 0);
  assert.equal(readFileSync(join(dir, "out/split.json"), "utf8").split("\n")[1], '  "source": {'); // indent 2

  const testText = readFileSync(join(dir, "out/test.jsonl"), "utf8");
  const trainText = readFileSync(join(dir, "out/train.jsonl"), "utf8");
  assert.equal(testText, testIdx.map((i) => line(rows[i]!)).join(""));
  assert.equal(
    trainText,
    trainIdx
      .filter((i) => rows[i]!.positive.length > 0 && rows[i]!.negative.length > 0)
      .map((i) => line(rows[i]!))
      .join(""),
  );
  assert.ok(trainText.endsWith("\n") && testText.endsWith("\n"));
  assert.ok(trainText.includes("正例"), "non-ASCII is written as is, not \\u-escaped");
  assert.ok(trainText.split("\n")[0]!.startsWith('{"query":'));
  assert.deepEqual(readdirSync(join(dir, "out")).sort(), ["split.json", "test.jsonl", "train.jsonl"]);
});

test("bench split: integer --test-size is a count; a > 64-bit seed keeps every digit", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rows = makeRows(37);
  writeFileSync(join(dir, "in.json"), JSON.stringify(rows));
  const r = run(dir, "--input", "in.json", "--out", "o", "--test-size", "5", "--seed", "18446744073709551623");
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(dir, "o/split.json"), "utf8"));
  const perm = permutation(37, 2n ** 64n + 7n);
  assert.equal(meta.source.format, "json");
  assert.equal(meta.seed, "18446744073709551623");
  assert.equal(meta.test_size, 5);
  assert.equal(meta.n_test, 5);
  assert.deepEqual(meta.test_indices, perm.slice(0, 5));
  assert.deepEqual(meta.train_indices, perm.slice(5));
});

test("bench split: bad input exits non-zero with one split:/data:/usage: line and writes nothing", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "in.jsonl"),
    makeRows(3)
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  writeFileSync(join(dir, "empty.json"), "[]");
  writeFileSync(join(dir, "afile"), "x");
  const cases: Array<[string[], number, RegExp]> = [
    [["--input", "in.jsonl", "--out", "o", "--test-size", "1.0"], 3, /^bench: split: test_size=1\.0 should be either positive/],
    [["--input", "in.jsonl", "--out", "o", "--test-size", "3"], 3, /^bench: split: test_size=3 should be/],
    [
      ["--input", "in.jsonl", "--out", "o", "--test-size", "0.7"],
      3,
      /^bench: split: with n_samples=3, test_size=0\.7 .*train set will be empty/,
    ],
    [["--input", "in.jsonl", "--out", "o", "--test-size", "ten"], 3, /^bench: split: --test-size must be/],
    [["--input", "in.jsonl", "--out", "o", "--seed", "-1"], 3, /^bench: split: --seed must be an integer ≥ 0/],
    // The data layer already rejects an empty file; split's own check backs it up for any other source.
    [["--input", "empty.json", "--out", "o"], 3, /^bench: (data|split): .*empty\.json has no rows/],
    [["--input", "missing.jsonl", "--out", "o"], 3, /^bench: data: cannot read .*missing\.jsonl/],
    [["--input", "in.jsonl", "--out", "afile"], 3, /^bench: split: --out .*afile exists and is not a directory/],
    [["--input", "in.jsonl", "--out", "afile/sub"], 3, /^bench: split: cannot write to --out .*afile\/sub: ENOTDIR/],
    [["--input", "in.jsonl", "--task", "T2Reranking", "--out", "o"], 2, /^bench: usage: /],
    [["--out", "o"], 2, /^bench: usage: .*give --task or --input/],
  ];
  for (const [args, code, re] of cases) {
    const r = run(dir, ...args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.ok(!existsSync(join(dir, "o")), `${args.join(" ")} left an output directory`);
  }
  assert.deepEqual(readdirSync(dir).sort(), ["afile", "empty.json", "in.jsonl"]);
});

test("bench split --task T2Reranking reads the pinned parquet from the hub cache and records task + revision", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const task = JSON.parse(readFileSync(join(repoRoot, "tasks/T2Reranking.json"), "utf8")) as {
    dataset: { hub: string; revision: string };
  };
  const { hub, revision } = task.dataset;
  // The task names no file: the dev split's shard is found in the cached snapshot (the name C-MTEB publishes).
  const file = "data/dev-00000-of-00001-65d96bde8023d9b9.parquet";
  // A real parquet file where huggingface_hub's cache layout puts the pinned snapshot (no network needed).
  const cache = join(dir, "hf-cache");
  const target = join(cache, `datasets--${hub.replace("/", "--")}`, "snapshots", revision, file);
  mkdirSync(dirname(target), { recursive: true });
  const rows = makeRows(30).map((r) => ({ ...r, query: Array.isArray(r.query) ? r.query.join(" ") : r.query }));
  const bytes = parquetBytes(rows, "SNAPPY");
  writeFileSync(target, bytes);
  const env = { ...process.env, HF_HUB_CACHE: cache, HF_HUB_OFFLINE: "1" };
  const r = runEnv(dir, env, "--task", "T2Reranking", "--out", "o");
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(dir, "o/split.json"), "utf8"));
  assert.deepEqual(meta.source, {
    task: "T2Reranking",
    revision,
    format: "parquet",
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });
  assert.equal(meta.n_test, 3);
  assert.deepEqual(meta.test_indices, permutation(30, 42).slice(0, 3));
  const testRows = readFileSync(join(dir, "o/test.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  assert.deepEqual(
    testRows,
    meta.test_indices.map((i: number) => rows[i]),
  );
});

test("bench split on real data: ../shared/data/t2ranking-dev100.jsonl (n=100 → 10 test rows)", (t) => {
  const data = join(resolve(repoRoot, "../shared"), "data/t2ranking-dev100.jsonl");
  if (!existsSync(data)) {
    t.skip(`SKIPPED: ${data} is missing (the shared reference data sits next to the repo, not in it)`);
    return;
  }
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = run(dir, "--input", data, "--out", "o");
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(dir, "o/split.json"), "utf8"));
  assert.equal(meta.n, 100);
  assert.equal(meta.n_test, 10);
  assert.equal(meta.n_train, 90);
  // numpy 2.4.6: np.random.default_rng(42).permutation(100)[:10]
  assert.deepEqual(meta.test_indices, [59, 21, 56, 18, 33, 42, 50, 27, 92, 71]);
  assert.equal(meta.train_indices_sha256, indicesSha256(permutation(100, 42).slice(10)));
  const rows = readFileSync(data, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  const keep = (i: number): boolean => rows[i]!.positive.length > 0 && rows[i]!.negative.length > 0;
  assert.equal(meta.n_train_filtered, meta.train_indices.filter(keep).length);
  const testRows = readFileSync(join(dir, "o/test.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  assert.deepEqual(
    testRows,
    meta.test_indices.map((i: number) => rows[i]),
  );
});
