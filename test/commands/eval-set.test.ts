/**
 * `bench eval --task C-MTEB-reranking`: the four C-MTEB reranking tasks, downloaded from a loopback hub at their
 * pinned revisions (generated parquet shards named as the datasets hub names them, found through the listing), one table with the average as C-MTEB reports it
 * (the mean of the main scores), one result file per task. The CLI is spawned asynchronously: the loopback hub
 * runs in this process and must keep answering.
 */
import { createHash } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { parsePythonJson } from "../../src/compare/python-json.js";
import type { RerankRow } from "../../src/data/types.js";
import { getTask } from "../../src/tasks/registry.js";
import { findTaskSet, listTaskSets, parseTaskSet } from "../../src/tasks/sets.js";
import { BenchError, ExitCode } from "../../src/errors.js";
import { parquetBytes } from "../../scripts/lib/columnar-fixtures.js";
import { cliArgv, repoRoot, tempDir } from "../helpers/cli.js";
import { useFakeHub } from "../hub/server.js";

const set = findTaskSet("C-MTEB-reranking")!;
const rows = readFileSync(join(repoRoot, "tasks/data/zh-sample.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as RerankRow)
  .filter((r) => typeof r.query === "string"); // one parquet column type
// A different slice of the sample per task, so the four main scores differ.
const served = set.tasks.map((name, i) => {
  const t = getTask(name);
  if (!("hub" in t.dataset)) throw new Error(`${name} must be a hub task`);
  const slice = rows.filter((_, j) => j % 4 === i || j % 7 === i);
  // The task files name no data file: the shard is found in the repo listing by split, as the datasets hub lays it out.
  const filename =
    t.dataset.file ?? `data/${t.eval_split}-00000-of-00001-${createHash("sha256").update(name).digest("hex").slice(0, 16)}.parquet`;
  return {
    repoType: "dataset" as const,
    repoId: t.dataset.hub,
    commit: t.dataset.revision,
    filename,
    content: parquetBytes(slice, "SNAPPY"),
    lfs: true,
  };
});
const fake = useFakeHub(served);

test("the C-MTEB-reranking set: the four tasks with mteb's metadata (revisions, splits, main score)", () => {
  assert.deepEqual(set.tasks, ["T2Reranking", "MMarcoReranking", "CMedQAv1-reranking", "CMedQAv2-reranking"]);
  const meta = set.tasks
    .map((n) => getTask(n))
    .map((t) => ["hub" in t.dataset ? `${t.dataset.hub}@${t.dataset.revision}` : "", t.eval_split, t.main_score, t.eval_langs.join()]);
  assert.deepEqual(meta, [
    ["C-MTEB/T2Reranking@76631901a18387f85eaa53e5450019b87ad58ef9", "dev", "map", "cmn-Hans"],
    ["C-MTEB/Mmarco-reranking@8e0c766dbe9e16e1d221116a3f36795fbade07f6", "dev", "map", "cmn-Hans"],
    ["C-MTEB/CMedQAv1-reranking@8d7f1e942507dac42dc58017c1a001c3717da7df", "test", "map", "cmn-Hans"],
    ["C-MTEB/CMedQAv2-reranking@23d186750531a14a0357ca22cd92d712fd512ea0", "test", "map", "cmn-Hans"],
  ]);
  assert.deepEqual(
    listTaskSets().map((s) => s.name),
    ["C-MTEB-reranking"],
  );
});

test("bench eval --task C-MTEB-reranking: every task, one table with the mean of the main scores, one result file each", async () => {
  const out = tempDir("bench-eval-set-");
  // The real CLI, spawned asynchronously so this process's loopback hub keeps answering.
  const child = spawn(process.execPath, cliArgv(["eval", "--task", "C-MTEB-reranking", "--output", out]), {
    cwd: out,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let text = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((res) => child.on("close", res));
  assert.equal(code, 0, stderr);
  assert.equal(fake.hub.hubRequests.length, 8, "per task: the listing at the pinned revision, then its one shard");
  const outcomes = set.tasks.map((name) => {
    const t = getTask(name);
    const resultPath = join(out, "bm25", "no_revision_available", `${name}.json`);
    const r = parsePythonJson(readFileSync(resultPath, "utf8")) as { scores: Record<string, { map: number }[]> };
    return { task: { name, split: t.eval_split }, scores: { map: r.scores[t.eval_split]![0]!.map }, resultPath };
  });
  const mains = outcomes.map((o) => o.scores.map as number);
  assert.equal(new Set(mains).size, 4, "the slices give four different scores");
  const mean = mains.reduce((s, x) => s + x, 0) / 4;
  assert.equal(text.match(/┌/g)?.length, 1, `one table:\n${text}`);
  for (const o of outcomes)
    assert.match(text, new RegExp(`│ ${o.task.name}\\s+│ ${o.task.split}\\s+│ bm25\\s+│ \\d+\\s+│ map ${o.scores.map.toFixed(4)}`));
  assert.match(text, new RegExp(`│ C-MTEB-reranking average\\s+│\\s+│\\s+│\\s+│ ${mean.toFixed(4)}`));
  for (const o of outcomes) {
    const r = parsePythonJson(readFileSync(o.resultPath, "utf8")) as {
      task_name: string;
      dataset_revision: string;
      scores: Record<string, { main_score: number }[]>;
    };
    assert.equal(r.task_name, o.task.name);
    assert.equal(r.dataset_revision, getTask(o.task.name).dataset && (getTask(o.task.name).dataset as { revision: string }).revision);
    assert.equal(r.scores[o.task.split]![0]!.main_score, o.scores.map);
  }
});

test("task set files are validated: unknown keys, unregistered or repeated tasks, a name that is not the file's", () => {
  const f = "/x/C-MTEB-reranking.json";
  const ok = { name: "C-MTEB-reranking", description: "d", tasks: ["T2Reranking"], reference: null };
  assert.equal(parseTaskSet(ok, f).tasks.length, 1);
  for (const [json, re] of [
    [{ ...ok, extra: 1 }, /field "extra" is not a known key/],
    [{ ...ok, tasks: [] }, /field "tasks" must be a non-empty array/],
    [{ ...ok, tasks: ["T2Reranking", "T2Reranking"] }, /names T2Reranking twice/],
    [{ ...ok, tasks: ["NoSuchTask"] }, /"NoSuchTask", which is not a registered task/],
    [{ ...ok, name: "Other" }, /field "name" is "Other" but the file is named C-MTEB-reranking\.json/],
  ] as Array<[unknown, RegExp]>) {
    assert.throws(
      () => parseTaskSet(json, f),
      (e: unknown) => e instanceof BenchError && e.exitCode === ExitCode.Input && re.test(e.message),
    );
  }
});
