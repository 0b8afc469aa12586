import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ExitCode } from "../../src/errors.js";
import { HubNotFoundError, hubDownload, hubFileUrl } from "../../src/hub/download.js";
import { benchError, tempDir } from "../data/fixtures.js";
import { type ServedFile, useFakeHub } from "./server.js";

const C1 = "76631901a18387f85eaa53e5450019b87ad58ef9";
const C2 = "1111111111111111111111111111111111111111";
const PARQ = "data/dev-00000-of-00001-65d96bde8023d9b9.parquet";
const big = randomBytes(300_000);
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const files: ServedFile[] = [
  { repoType: "dataset", repoId: "org/t2", commit: C1, filename: PARQ, content: big, lfs: true },
  { repoType: "dataset", repoId: "org/t2", commit: C1, filename: "README.md", content: Buffer.from("# 中文\n") },
  {
    repoType: "dataset",
    repoId: "org/private",
    commit: C1,
    filename: "d.jsonl",
    content: randomBytes(5000),
    lfs: true,
    token: "hf_secret",
  },
  { repoType: "dataset", repoId: "org/trunc", commit: C1, filename: "d.bin", content: randomBytes(100_000), lfs: true, truncate: true },
  {
    repoType: "dataset",
    repoId: "org/badsize",
    commit: C1,
    filename: "d.bin",
    content: randomBytes(1000),
    lfs: true,
    wrongLinkedSize: true,
  },
  { repoType: "dataset", repoId: "org/badsha", commit: C1, filename: "d.bin", content: randomBytes(1000), lfs: true, wrongSha: true },
  { repoType: "model", repoId: "org/model", commit: C2, filename: "model.onnx", content: randomBytes(20_000), lfs: true },
  { repoType: "model", repoId: "org/model", commit: C2, filename: "tokenizer.json", content: Buffer.from('{"v":1}') },
  { repoType: "model", repoId: "org/big", commit: C2, filename: "w.bin", content: new Uint8Array(9 * 1024 * 1024).fill(7), lfs: true },
];

const fake = useFakeHub(files);

/** A fresh cache dir per test, so tests do not see each other's downloads. */
const freshCache = (): string => tempDir("bench-h3-cache-").dir;
const leftovers = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

test("hub URLs: datasets/ prefix only for datasets, path segments encoded", () => {
  assert.equal(
    hubFileUrl("https://huggingface.co/", "dataset", "C-MTEB/T2Reranking", C1, PARQ),
    `https://huggingface.co/datasets/C-MTEB/T2Reranking/resolve/${C1}/${PARQ}`,
  );
  assert.equal(
    hubFileUrl("https://hf-mirror.com", "model", "BAAI/bge-m3", "main", "onnx/model file.onnx"),
    "https://hf-mirror.com/BAAI/bge-m3/resolve/main/onnx/model%20file.onnx",
  );
});

test("LFS file: HF_ENDPOINT honoured, 302 to another host, blobs/<sha256> + relative snapshot symlink, reused without network", async () => {
  const cacheDir = freshCache();
  process.env.HF_TOKEN = "hf_public";
  try {
    const before = fake.hub.hubRequests.length;
    const p = await hubDownload({ repoType: "dataset", repoId: "org/t2", revision: C1, filename: PARQ, cacheDir });
    const folder = join(cacheDir, "datasets--org--t2");
    assert.equal(p, join(folder, "snapshots", C1, ...PARQ.split("/")));
    assert.ok(readFileSync(p).equals(big));
    assert.ok(lstatSync(p).isSymbolicLink());
    assert.equal(readlinkSync(p), join("..", "..", "..", "blobs", sha(big)));
    assert.deepEqual(readdirSync(join(folder, "blobs")), [sha(big)]);
    assert.equal(fake.hub.hubRequests.length, before + 1);
    assert.equal(fake.hub.hubRequests.at(-1)!.auth, "Bearer hf_public", "the token goes to the hub");
    assert.equal(fake.hub.cdnRequests.at(-1)!.auth, undefined, "the token is never forwarded to another host");
    const n = fake.hub.hubRequests.length + fake.hub.cdnRequests.length;
    assert.equal(await hubDownload({ repoType: "dataset", repoId: "org/t2", revision: C1, filename: PARQ, cacheDir }), p);
    assert.equal(fake.hub.hubRequests.length + fake.hub.cdnRequests.length, n, "a cached pinned file needs no request");
  } finally {
    delete process.env.HF_TOKEN;
  }
});

test("non-LFS file: blobs/<git sha1>; a branch revision writes refs/main and works offline afterwards", async () => {
  const cacheDir = freshCache();
  const p = await hubDownload({ repoType: "dataset", repoId: "org/t2", revision: "main", filename: "README.md", cacheDir });
  const folder = join(cacheDir, "datasets--org--t2");
  assert.equal(p, join(folder, "snapshots", C1, "README.md"));
  assert.equal(readFileSync(p, "utf8"), "# 中文\n");
  assert.equal(readFileSync(join(folder, "refs", "main"), "utf8"), C1);
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const n = fake.hub.hubRequests.length;
    assert.equal(await hubDownload({ repoType: "dataset", repoId: "org/t2", revision: "main", filename: "README.md", cacheDir }), p);
    assert.equal(fake.hub.hubRequests.length, n);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("files placed by huggingface_hub (symlink to blob, or a plain file) are reused offline", async () => {
  const cacheDir = freshCache();
  const folder = join(cacheDir, "datasets--C-MTEB--T2Reranking");
  mkdirSync(join(folder, "blobs"), { recursive: true });
  mkdirSync(join(folder, "snapshots", C1, "data"), { recursive: true });
  writeFileSync(join(folder, "blobs", "e".repeat(64)), "PAR1…");
  symlinkSync(join("..", "..", "..", "blobs", "e".repeat(64)), join(folder, "snapshots", C1, PARQ));
  writeFileSync(join(folder, "snapshots", C1, "README.md"), "plain");
  process.env.HF_HUB_OFFLINE = "true";
  try {
    const n = fake.hub.hubRequests.length;
    assert.equal(
      readFileSync(
        await hubDownload({ repoType: "dataset", repoId: "C-MTEB/T2Reranking", revision: C1, filename: PARQ, cacheDir }),
        "utf8",
      ),
      "PAR1…",
    );
    assert.equal(
      readFileSync(
        await hubDownload({ repoType: "dataset", repoId: "C-MTEB/T2Reranking", revision: C1, filename: "README.md", cacheDir }),
        "utf8",
      ),
      "plain",
    );
    assert.equal(fake.hub.hubRequests.length, n);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("offline and not cached: one line naming the full path to place the file at", async () => {
  const cacheDir = freshCache();
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const where = join(cacheDir, "datasets--org--t2", "snapshots", C1, "data", "dev-00000-of-00001-65d96bde8023d9b9.parquet");
    await assert.rejects(
      hubDownload({ repoType: "dataset", repoId: "org/t2", revision: C1, filename: PARQ, cacheDir }),
      (e: unknown) =>
        benchError(/^hub: HF_HUB_OFFLINE is set and dataset org\/t2 revision \S+ file \S+ is not cached; place the file at (\S+)$/)(e) &&
        (e as Error).message.endsWith(where),
    );
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("offline with a branch revision: the hint also names refs/<branch>; path-escaping names are rejected", async () => {
  const cacheDir = freshCache();
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const folder = join(cacheDir, "models--org--model");
    await assert.rejects(
      hubDownload({ repoType: "model", repoId: "org/model", revision: "main", filename: "model.onnx", cacheDir }),
      benchError(
        new RegExp(
          `^hub: HF_HUB_OFFLINE is set and model org/model revision main file model\\.onnx is not cached; place the file at ${folder}/snapshots/<commit>/model\\.onnx and write that commit sha to ${folder}/refs/main$`,
        ),
      ),
    );
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
  for (const [repoId, filename] of [
    ["org/model", "../../x"],
    ["../x", "a"],
    ["org/model", "/etc/passwd"],
    ["org/model", ""],
  ]) {
    await assert.rejects(
      hubDownload({ repoType: "model", repoId: repoId!, revision: C2, filename: filename!, cacheDir }),
      benchError(/^hub: invalid (repo id|file name) /),
    );
  }
});

test("401 without a token and 403 with a wrong one mention HF_TOKEN; the right token works, also through a relative redirect", async () => {
  const cacheDir = freshCache();
  const req = { repoType: "dataset" as const, repoId: "org/private", revision: C1, filename: "d.jsonl", cacheDir };
  await assert.rejects(hubDownload(req), benchError(/^hub: 401 .*set HF_TOKEN/));
  await assert.rejects(hubDownload({ ...req, token: "wrong" }), benchError(/^hub: 403 .*HF_TOKEN is set but was refused/));
  const p = await hubDownload({ ...req, repoId: "old-org/private", token: "hf_secret" });
  assert.ok(readFileSync(p).equals(files[2]!.content));
  const viaRename = fake.hub.hubRequests.slice(-2);
  assert.ok(viaRename[0]!.url.startsWith("/datasets/old-org/") && viaRename[1]!.url.startsWith("/datasets/org/"));
  assert.deepEqual(
    viaRename.map((r) => r.auth),
    ["Bearer hf_secret", "Bearer hf_secret"],
    "same-host redirects keep the token",
  );
  assert.equal(fake.hub.cdnRequests.at(-1)!.auth, undefined);
});

test("404 names repo, revision and file, is a HubNotFoundError, and is remembered in .no_exist (also offline)", async () => {
  const cacheDir = freshCache();
  const req = { repoType: "dataset" as const, repoId: "org/t2", revision: C1, filename: "nope.parquet", cacheDir };
  const notFound = new RegExp(
    `^hub: 404 not found \\(EntryNotFound\\): dataset org/t2 revision ${C1} file nope\\.parquet \\(.*\\); check the repo id, the revision and the file name$`,
  );
  await assert.rejects(
    hubDownload(req),
    (e: unknown) => benchError(notFound)(e) && e instanceof HubNotFoundError && e.entryMissing && e.commit === C1,
  );
  assert.ok(existsSync(join(cacheDir, "datasets--org--t2", ".no_exist", C1, "nope.parquet")), "huggingface_hub's .no_exist marker");
  const n = fake.hub.hubRequests.length;
  await assert.rejects(
    hubDownload(req),
    (e: unknown) => e instanceof HubNotFoundError && /^hub: 404 not found \(cached in \.no_exist\)/.test(e.message),
  );
  // A branch: the 404's X-Repo-Commit is recorded in refs/, so the offline probe also answers "absent".
  await assert.rejects(hubDownload({ ...req, revision: "main", filename: "optional.json" }), HubNotFoundError);
  assert.equal(fake.hub.hubRequests.length, n + 1);
  process.env.HF_HUB_OFFLINE = "1";
  try {
    await assert.rejects(
      hubDownload({ ...req, revision: "main", filename: "optional.json" }),
      (e: unknown) => e instanceof HubNotFoundError && e.entryMissing,
    );
    assert.equal(fake.hub.hubRequests.length, n + 1);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("an unknown repo (401 RepositoryNotFound, as the hub answers) says it may not exist", async () => {
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "org/nope", revision: "main", filename: "model.onnx", cacheDir: freshCache() }),
    (e: unknown) =>
      benchError(
        /^hub: 401 Unauthorized \(RepositoryNotFound\) for model org\/nope .*the repo may not exist, or be private or gated: set HF_TOKEN/,
      )(e) && !(e instanceof HubNotFoundError),
  );
});

test("a truncated body, a wrong X-Linked-Size or a wrong sha256 fail and leave no file behind", async () => {
  for (const [repoId, re, code] of [
    // A connection cut mid-body is a network failure (exit 5); a body that arrived but is wrong is bad input (exit 3).
    [
      "org/trunc",
      /^hub: download of org\/trunc\/d\.bin (broke off after \d+ bytes|is incomplete or wrong: got 50000 bytes, Content-Length says 100000)/,
      null,
    ],
    [
      "org/badsize",
      /^hub: download of org\/badsize\/d\.bin is incomplete or wrong: got 1000 bytes, X-Linked-Size says 1001/,
      ExitCode.Input,
    ],
    ["org/badsha", /^hub: download of org\/badsha\/d\.bin is corrupt: sha256 [0-9a-f]{64}, the hub says 0{64}/, ExitCode.Input],
  ] as const) {
    const cacheDir = freshCache();
    await assert.rejects(hubDownload({ repoType: "dataset", repoId, revision: C1, filename: "d.bin", cacheDir }), (e: unknown) =>
      benchError(re, code ?? (e as { exitCode: number }).exitCode)(e),
    );
    const left = leftovers(cacheDir).filter((f) => !lstatSync(join(cacheDir, f)).isDirectory());
    assert.deepEqual(left, [], `${repoId}: nothing may remain in the cache`);
  }
});

test("network errors say which host could not be reached and where to place the file", async () => {
  const port = await new Promise<number>((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
  await assert.rejects(
    hubDownload({
      repoType: "dataset",
      repoId: "org/t2",
      revision: C1,
      filename: PARQ,
      endpoint: `http://127.0.0.1:${port}`,
      cacheDir: freshCache(),
    }),
    benchError(
      new RegExp(
        `^hub: cannot reach http://127\\.0\\.0\\.1:${port} for dataset org/t2 .*: ECONNREFUSED; .*place the file at \\S+${C1}/data/dev-\\S+\\.parquet and set HF_HUB_OFFLINE=1$`,
      ),
      ExitCode.Network,
    ),
  );
});

test("model files: several at one revision (no datasets/ prefix), progress lines for big files", async () => {
  const cacheDir = freshCache();
  const model = (repoId: string, filename: string): Promise<string> =>
    hubDownload({ repoType: "model", repoId, revision: C2, filename, cacheDir });
  const paths = [await model("org/model", "model.onnx"), await model("org/model", "tokenizer.json")];
  assert.deepEqual(paths, [
    join(cacheDir, "models--org--model", "snapshots", C2, "model.onnx"),
    join(cacheDir, "models--org--model", "snapshots", C2, "tokenizer.json"),
  ]);
  assert.ok(readFileSync(paths[0]!).equals(files[6]!.content));
  assert.equal(readFileSync(paths[1]!, "utf8"), '{"v":1}');
  assert.ok(fake.hub.hubRequests.slice(-2).every((r) => r.url.startsWith("/org/model/resolve/")));

  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await model("org/big", "w.bin");
  } finally {
    process.stderr.write = write;
  }
  assert.match(lines.at(-1)!, /^hub: org\/big\/w\.bin: downloaded 9\.0 MB in \d+\.\d s \(\d+\.\d MB\/s\)\n$/);
});
