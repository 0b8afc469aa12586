/**
 * Hub tasks without dataset.file (issue 12 item 4): the eval split's parquet shards are found in the dataset
 * repo listing at the pinned revision (data/<split>-*.parquet in order, else <split>-*.parquet / <split>.parquet);
 * a named file must be in the listing; otherwise one error listing the repo's parquet files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveDataset, splitShards } from "../../src/data/resolve.js";
import { SAMPLE, benchError, tempDir } from "../data/fixtures.js";
import { parquetBytes } from "../../scripts/lib/columnar-fixtures.js";
import { type ServedFile, useFakeHub } from "./server.js";

const C = "8888888888888888888888888888888888888888";
const part = (rows: typeof SAMPLE): Buffer => Buffer.from(parquetBytes(rows, "SNAPPY"));
const d = (repoId: string, filename: string, content: Uint8Array): ServedFile => ({
  repoType: "dataset",
  repoId,
  commit: C,
  filename,
  content,
  lfs: filename.endsWith(".parquet"),
});
const half = Math.ceil(SAMPLE.length / 2);
const fake = useFakeHub([
  d("org/sharded", "data/dev-00001-of-00002.parquet", part(SAMPLE.slice(half))),
  d("org/sharded", "data/dev-00000-of-00002.parquet", part(SAMPLE.slice(0, half))),
  d("org/sharded", "data/train-00000-of-00001.parquet", part(SAMPLE.slice(0, 1))),
  d("org/sharded", "README.md", Buffer.from("# x\n")),
  d("org/flat", "dev.parquet", part(SAMPLE)),
  d("org/none", "data/test-00000-of-00001.parquet", part(SAMPLE)),
]);
const tasks = tempDir("bench-tasks-").dir;
const task = (name: string, hub: string, extra: object = {}): string => {
  writeFileSync(
    join(tasks, `${name}.json`),
    JSON.stringify({
      name,
      description: "d",
      type: "Reranking",
      dataset: { hub, revision: C, ...extra },
      eval_split: "dev",
      eval_langs: ["cmn-Hans"],
      main_score: "map",
      reference: null,
    }),
  );
  return name;
};

test("splitShards: data/<split>-* in order, then top-level <split>-* / <split>.parquet, never another split", () => {
  assert.deepEqual(
    splitShards(["data/dev-00001-of-00002.parquet", "data/dev-00000-of-00002.parquet", "data/train-00000-of-00001.parquet"], "dev"),
    ["data/dev-00000-of-00002.parquet", "data/dev-00001-of-00002.parquet"],
  );
  assert.deepEqual(splitShards(["dev.parquet", "train.parquet"], "dev"), ["dev.parquet"]);
  assert.deepEqual(splitShards(["dev-00000-of-00001.parquet"], "dev"), ["dev-00000-of-00001.parquet"]);
  assert.deepEqual(splitShards(["data/devel-0.parquet", "data/test-0.parquet", "x/dev-0.parquet"], "dev"), []);
});

test("a task without dataset.file: every shard of the split, in order, as one dataset; the commit recorded; other splits not fetched", async () => {
  const n = fake.hub.hubRequests.length;
  const ds = await resolveDataset({ task: task("Sharded", "org/sharded"), tasksDir: tasks });
  assert.deepEqual(ds.rows, SAMPLE);
  assert.equal(ds.source.revision, C);
  const urls = fake.hub.hubRequests.slice(n).map((r) => r.url);
  assert.deepEqual(urls, [
    `/api/datasets/org/sharded/revision/${C}?blobs=true`,
    `/datasets/org/sharded/resolve/${C}/data/dev-00000-of-00002.parquet`,
    `/datasets/org/sharded/resolve/${C}/data/dev-00001-of-00002.parquet`,
  ]);
  assert.deepEqual((await resolveDataset({ task: task("Flat", "org/flat"), tasksDir: tasks })).rows, SAMPLE);
});

test("no parquet for the split, or a named file the repo does not have: one error listing the repo's parquet files", async () => {
  await assert.rejects(
    resolveDataset({ task: task("None", "org/none"), tasksDir: tasks }),
    benchError(
      /^data: task None: org\/none@8{40} has no parquet file for split "dev" \(data\/dev-\*\.parquet or dev\.parquet\); its parquet files: data\/test-00000-of-00001\.parquet; name one in dataset\.file$/,
    ),
  );
  await assert.rejects(
    resolveDataset({ task: task("Named", "org/none", { file: "data/dev.parquet" }), tasksDir: tasks }),
    benchError(
      /^data: task Named: dataset\.file data\/dev\.parquet is not in org\/none@8{40} \(its parquet files: data\/test-00000-of-00001\.parquet\)$/,
    ),
  );
  const ds = await resolveDataset({ task: task("Named2", "org/none", { file: "data/test-00000-of-00001.parquet" }), tasksDir: tasks });
  assert.deepEqual(ds.rows, SAMPLE);
});

test("a server answering another commit than the task's pinned revision is refused (issue 11 item 9)", async () => {
  fake.hub.listingOverrides.set("org/flat", { sha: "9".repeat(40) });
  try {
    await assert.rejects(
      resolveDataset({ task: task("Moved", "org/flat"), tasksDir: tasks }),
      benchError(/^hub: asked for commit 8{40} of org\/flat but the server answered commit 9{40}; refusing a different commit$/),
    );
  } finally {
    fake.hub.listingOverrides.delete("org/flat");
  }
});

test("offline: the cached shards are used with no request; a cold cache names what to place", async () => {
  await resolveDataset({ task: task("Sharded", "org/sharded"), tasksDir: tasks });
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const n = fake.hub.hubRequests.length;
    assert.deepEqual((await resolveDataset({ task: "Sharded", tasksDir: tasks })).rows, SAMPLE);
    assert.equal(fake.hub.hubRequests.length, n);
    await assert.rejects(
      resolveDataset({ task: task("Cold", "org/flat2"), tasksDir: tasks }),
      benchError(
        /^hub: HF_HUB_OFFLINE is set and dataset org\/flat2@8{40} is not cached .*it needs data\/dev-\*\.parquet: place them under .*snapshots\/8{40}\//,
      ),
    );
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});
