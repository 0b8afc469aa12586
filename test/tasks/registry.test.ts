import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getTask, listTasks, tasksDir } from "../../src/tasks/registry.js";
import { parseTaskMetadata } from "../../src/tasks/metadata.js";
import { benchError, tempDir } from "../data/fixtures.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const T2 = {
  name: "T2Reranking",
  description: "d",
  type: "Reranking",
  dataset: {
    hub: "C-MTEB/T2Reranking",
    revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
    file: "data/dev-00000-of-00001-65d96bde8023d9b9.parquet",
  },
  eval_split: "dev",
  eval_langs: ["cmn-Hans"],
  main_score: "map",
  reference: "https://arxiv.org/abs/2304.03679",
};

test("tasks/ is found from src/ (tsx) and T2Reranking is registered with mteb's metadata (docs/spec.md §3)", () => {
  assert.equal(tasksDir(), join(repoRoot, "tasks"));
  const t2 = getTask("T2Reranking");
  // No guessed file name: the dev split's shards are found in the repo listing at the pinned revision.
  assert.deepEqual(t2.dataset, { hub: T2.dataset.hub, revision: T2.dataset.revision });
  assert.equal(t2.eval_split, "dev");
  assert.deepEqual(t2.eval_langs, ["cmn-Hans"]);
  assert.equal(t2.main_score, "map");
  assert.ok(listTasks().some((t) => t.name === "T2Reranking"));
});

test("tasks/ is found from the compiled dist/ too", (t) => {
  const compiled = join(repoRoot, "dist", "tasks", "registry.js");
  if (!existsSync(compiled)) {
    t.skip(`SKIPPED: ${compiled} does not exist; run \`npm run build\` (npm test does it in pretest) to check the dist/ layout`);
    return;
  }
  const code = `import(${JSON.stringify(pathToFileURL(compiled).href)}).then((m) => console.log(m.tasksDir()))`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
  assert.equal(r.stderr, "");
  assert.equal(r.stdout.trim(), join(repoRoot, "tasks"));
});

test("an unknown task lists the known ones", () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, "B.json"), JSON.stringify({ ...T2, name: "B" }));
    writeFileSync(join(dir, "A.json"), JSON.stringify({ ...T2, name: "A", dataset: { local: "data/a.jsonl" } }));
    assert.deepEqual(
      listTasks(dir).map((t) => t.name),
      ["A", "B"],
    );
    assert.throws(() => getTask("T2reranking", dir), benchError(/^data: unknown task "T2reranking"; known tasks: A, B$/));
    assert.throws(() => getTask("../A", dir), benchError(/^data: unknown task "\.\.\/A"; known tasks: A, B$/));
    assert.throws(() => getTask("Nope"), benchError(/^data: unknown task "Nope"; known tasks: .*T2Reranking/));
  } finally {
    cleanup();
  }
});

test("a task file whose name field differs from its file name is rejected", () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, "X.json"), JSON.stringify(T2));
    assert.throws(
      () => getTask("X", dir),
      benchError(/^data: task file .*X\.json: field "name" is "T2Reranking" but the file is named X\.json$/),
    );
    writeFileSync(join(dir, "Y.json"), "{ not json");
    assert.throws(() => listTasks(dir), benchError(/^data: task file .*X\.json/));
    assert.throws(() => getTask("Y", dir), benchError(/^data: task file .*Y\.json: /));
  } finally {
    cleanup();
  }
});

test("metadata validation: unknown keys rejected at both levels, every field checked", () => {
  const bad = (patch: Record<string, unknown>, re: RegExp): void => {
    assert.throws(() => parseTaskMetadata({ ...T2, ...patch }, "/t/T.json"), benchError(re));
  };
  assert.equal(parseTaskMetadata(T2, "/t/T.json").name, "T2Reranking");
  bad({ main_scor: "map" }, /^data: task file \/t\/T\.json: field "main_scor" is not a known key \(known: name, description/);
  bad({ dataset: { ...T2.dataset, split: "dev" } }, /field "dataset\.split" is not a known key \(known: hub, revision, file, sha256\)/);
  bad({ dataset: { local: "a.jsonl", revision: "x" } }, /field "dataset\.revision" is not a known key \(known: local, sha256\)/);
  bad({ dataset: { ...T2.dataset, revision: "main" } }, /field "dataset\.revision" must be a 40-hex-digit commit sha/);
  bad({ dataset: { ...T2.dataset, hub: "T2Reranking" } }, /field "dataset\.hub" must be "ORG\/NAME"/);
  bad({ dataset: { local: "../etc/passwd" } }, /field "dataset\.local" must be a path inside tasks\//);
  bad(
    { dataset: { ...T2.dataset, file: "../x.parquet" } },
    /field "dataset\.file" has a '\.' or '\.\.' segment; it must be a path inside the dataset repo/,
  );
  bad({ dataset: { ...T2.dataset, file: "/x.parquet" } }, /field "dataset\.file" is absolute/);
  const { file: _file, ...noFile } = T2.dataset;
  assert.deepEqual(parseTaskMetadata({ ...T2, dataset: noFile }, "/t/T.json").dataset, noFile, "dataset.file is optional");
  bad({ dataset: { local: "a.jsonl", sha256: "ABC" } }, /field "dataset\.sha256" must be 64 lowercase hex digits/);
  bad({ dataset: "C-MTEB/T2Reranking" }, /field "dataset" must be an object/);
  bad({ type: "Retrieval" }, /field "type" must be "Reranking"/);
  bad({ main_score: "ndcg" }, /field "main_score" must be "map" or "mrr"/);
  bad({ eval_langs: [] }, /field "eval_langs" must be a non-empty array of strings/);
  bad({ eval_split: "" }, /field "eval_split" must be a non-empty string/);
  bad({ description: undefined }, /field "description" must be a non-empty string/);
  bad({ reference: "arxiv 2304.03679" }, /field "reference" must be an http\(s\) URL or null/);
  bad({ reference: undefined }, /field "reference" is required/);
  assert.equal(parseTaskMetadata({ ...T2, reference: null }, "/t/T.json").reference, null);
  bad({ name: "T2 Reranking" }, /field "name" must contain only letters/);
  assert.throws(() => parseTaskMetadata([T2], "/t/T.json"), benchError(/^data: task file \/t\/T\.json: expected a JSON object$/));
});
