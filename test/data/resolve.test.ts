import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode } from "../../src/errors.js";
import { defaultTaskName, resolveDataset } from "../../src/data/resolve.js";
import { getTask } from "../../src/tasks/registry.js";
import { useFakeHub } from "../hub/server.js";
import { SAMPLE, benchError, tempDir } from "./fixtures.js";
import { parquetBytes } from "../../scripts/lib/columnar-fixtures.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const T2 = getTask("T2Reranking");
const t2Parquet = parquetBytes(SAMPLE, "SNAPPY");
const sha = (b: Uint8Array | string): string => createHash("sha256").update(b).digest("hex");
const jsonl = SAMPLE.map((r) => JSON.stringify(r)).join("\n") + "\n";

if (!("hub" in T2.dataset)) throw new Error("T2Reranking must be a hub task");
const { hub: repoId, revision: commit } = T2.dataset;
// The repo as the hub publishes it: the split's parquet shard under data/, plus files bench must not fetch.
const filename = "data/dev-00000-of-00001-65d96bde8023d9b9.parquet";
const fake = useFakeHub([
  { repoType: "dataset", repoId, commit, filename, content: t2Parquet, lfs: true },
  { repoType: "dataset", repoId, commit, filename: "README.md", content: Buffer.from("# T2Reranking\n") },
  { repoType: "dataset", repoId, commit, filename: ".gitattributes", content: Buffer.from("*.parquet filter=lfs\n") },
]);

test("--input: a file, no task provenance", async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, "x.jsonl"), jsonl);
    const ds = await resolveDataset({ input: join(dir, "x.jsonl") });
    assert.deepEqual(ds.rows, SAMPLE);
    assert.deepEqual(ds.source, { path: join(dir, "x.jsonl"), format: "jsonl", sha256: sha(jsonl) });
    await assert.rejects(resolveDataset({ input: "x.jsonl", task: "T2Reranking" }), benchError(/^usage: /, ExitCode.Usage));
  } finally {
    cleanup();
  }
});

test("T2Reranking: downloaded from the hub at its pinned revision into $HF_HOME/hub, then reused offline", async () => {
  const ds = await resolveDataset({ task: "T2Reranking" });
  assert.deepEqual(ds.rows, SAMPLE);
  const expectedPath = join(
    fake.home,
    "hub",
    "datasets--C-MTEB--T2Reranking",
    "snapshots",
    "76631901a18387f85eaa53e5450019b87ad58ef9",
    "data",
    "dev-00000-of-00001-65d96bde8023d9b9.parquet",
  );
  assert.deepEqual(ds.source, {
    path: expectedPath,
    format: "parquet",
    sha256: sha(t2Parquet),
    task: "T2Reranking",
    revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
  });
  // The task names no file: the listing at the pinned revision, then the dev split's one shard.
  assert.deepEqual(
    fake.hub.hubRequests.map((r) => r.url),
    [
      "/api/datasets/C-MTEB/T2Reranking/revision/76631901a18387f85eaa53e5450019b87ad58ef9?blobs=true",
      "/datasets/C-MTEB/T2Reranking/resolve/76631901a18387f85eaa53e5450019b87ad58ef9/data/dev-00000-of-00001-65d96bde8023d9b9.parquet",
    ],
  );
  process.env.HF_HUB_OFFLINE = "1";
  try {
    assert.deepEqual((await resolveDataset({ task: "T2Reranking" })).source.path, expectedPath);
    assert.equal(fake.hub.hubRequests.length, 2);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("a local task reads tasks/<local>; a pinned sha256 is checked", async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "s.jsonl"), jsonl);
    const task = (name: string, dataset: object): void =>
      writeFileSync(
        join(dir, `${name}.json`),
        JSON.stringify({
          name,
          description: "d",
          type: "Reranking",
          dataset,
          eval_split: "test",
          eval_langs: ["cmn-Hans"],
          main_score: "map",
          reference: null,
        }),
      );
    task("Good", { local: "data/s.jsonl", sha256: sha(jsonl) });
    task("Stale", { local: "data/s.jsonl", sha256: "0".repeat(64) });
    const ds = await resolveDataset({ task: "Good", tasksDir: dir });
    assert.deepEqual(ds.rows, SAMPLE);
    assert.deepEqual(ds.source, { path: join(dir, "data", "s.jsonl"), format: "jsonl", sha256: sha(jsonl), task: "Good", revision: null });
    await assert.rejects(
      resolveDataset({ task: "Stale", tasksDir: dir }),
      benchError(/^data: task Stale: .*s\.jsonl has sha256 [0-9a-f]{64}, the task pins 0{64}$/),
    );
    await assert.rejects(
      resolveDataset({ task: "Missing", tasksDir: dir }),
      benchError(/^data: unknown task "Missing"; known tasks: Good, Stale$/),
    );
  } finally {
    cleanup();
  }
});

test("no task and no input: the embedded sample task", async (t) => {
  assert.equal(defaultTaskName, "ZhSampleReranking");
  if (!existsSync(join(repoRoot, "tasks", `${defaultTaskName}.json`))) {
    t.skip(`SKIPPED: tasks/${defaultTaskName}.json is not in this checkout yet (written by the sample-task owner)`);
    return;
  }
  const ds = await resolveDataset({});
  assert.equal(ds.source.task, "ZhSampleReranking");
  assert.equal(ds.source.revision, null);
  assert.equal(ds.source.format, "jsonl");
  assert.ok(ds.rows.length > 0);
});
