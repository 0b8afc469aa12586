/**
 * A hostile or broken hub (issue 11 items 1, 2, 9, 14, 15): every server-supplied name is validated before it
 * touches a path, the token never reaches another host or a message, a body that fails a check is never
 * promoted, a stalled or interrupted download leaves nothing behind, and a network failure exits 5.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode } from "../../src/errors.js";
import { hubDownload } from "../../src/hub/download.js";
import { hubEndpoint, parseListing } from "../../src/hub/listing.js";
import { redact } from "../../src/hub/validate.js";
import { resolveModelDir } from "../../src/hub/resolve-model-dir.js";
import { benchError } from "../data/fixtures.js";
import { type ServedFile, useFakeHub } from "./server.js";

const C = "3333333333333333333333333333333333333333";
const sandbox = mkdtempSync(join(tmpdir(), "bench-hostile-"));
const victimDir = join(sandbox, "victim");
mkdirSync(victimDir, { recursive: true });
const VICTIM = '{"format":"bench-model/1","type":"colbert","output":"colbert_vecs","output_layout":"tokens_without_cls"}';
writeFileSync(join(victimDir, "bench_model.json"), VICTIM);
const cacheDir = join(sandbox, "cache");
const folder = (repo: string): string => join(cacheDir, `models--${repo.replace("/", "--")}`);
// A commit header that climbs from <folder>/.no_exist/ (and snapshots/) to the victim directory.
const climb = (repo: string): string => relative(join(folder(repo), ".no_exist"), victimDir);

const f = (repoId: string, filename: string, extra: Partial<ServedFile> = {}): ServedFile => ({
  repoType: "model",
  repoId,
  commit: C,
  filename,
  content: Buffer.from(`${repoId}/${filename}`),
  ...extra,
});
const files: ServedFile[] = [
  f("evil/commit200", "tokenizer.json", { commitHeader: climb("evil/commit200") }),
  f("evil/commit404", "tokenizer.json", { commitHeader: climb("evil/commit404") }),
  f("evil/etag", "model.onnx", { lfs: true, etagHeader: "../../../../victim/bench_model.json" }),
  f("evil/etag-sha1", "tokenizer.json", { etagHeader: "../x" }),
  f("evil/listing", "model.onnx"),
  f("evil/listing", "tokenizer.json"),
  f("org/html", "model.onnx", { html: true }),
  f("org/othercommit", "model.onnx", { commitHeader: "7".repeat(40) }),
  f("org/nolength", "model.onnx", { noContentLength: true, lfs: true }),
  f("org/hang", "model.onnx", { hang: true, content: randomBytes(10_000) }),
  f("org/ok", "model.onnx", { token: "hf_tok" }),
];
const fake = useFakeHub(files);
const outside = (): string[] => readdirSync(sandbox).filter((e) => e !== "cache" && e !== "victim");
const victimIntact = (): void => {
  assert.equal(readFileSync(join(victimDir, "bench_model.json"), "utf8"), VICTIM, "the file outside the cache is untouched");
  assert.deepEqual(readdirSync(victimDir), ["bench_model.json"], "nothing created beside it");
  assert.deepEqual(outside(), [], "nothing created outside the cache");
};
const incomplete = (): string[] =>
  existsSync(cacheDir)
    ? readdirSync(cacheDir, { recursive: true })
        .map(String)
        .filter((p) => p.endsWith(".incomplete"))
    : [];

test("X-Repo-Commit with a path on a 200: refused before it names a folder", async () => {
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "evil/commit200", revision: "main", filename: "tokenizer.json", cacheDir }),
    benchError(
      /^hub: http:\/\/127\.0\.0\.1:\d+ \(model evil\/commit200 .*\) sent commit "\.\.\/.*", which is not a 40-hex-digit sha; refusing to use it$/,
    ),
  );
  victimIntact();
});

test("X-Repo-Commit with a path on a 404 for an optional file: refused, no .no_exist marker written through it, no file emptied", async () => {
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "evil/commit404", revision: "main", filename: "bench_model.json", cacheDir }),
    benchError(/sent commit "\.\.\/.*", which is not a 40-hex-digit sha/),
  );
  victimIntact();
});

test("an ETag that is not a hash (LFS X-Linked-Etag, or a plain ETag) is refused; no blob is written", async () => {
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "evil/etag", revision: C, filename: "model.onnx", cacheDir }),
    benchError(/sent etag "\.\.\/\.\.\/.*", which is neither a 40- nor a 64-hex-digit hash/),
  );
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "evil/etag-sha1", revision: C, filename: "tokenizer.json", cacheDir }),
    benchError(/sent etag "\.\.\/x"/),
  );
  assert.ok(!existsSync(join(folder("evil/etag"), "blobs")));
  victimIntact();
});

test("listing: a bad sha, a bad rfilename or another commit than the pinned one are refused", async () => {
  const bad = async (body: unknown, re: RegExp, revision = "main"): Promise<void> => {
    fake.hub.listingOverrides.set("evil/listing", { body });
    try {
      await assert.rejects(resolveModelDir(`evil/listing@${revision}`, { cacheDir }), benchError(re));
    } finally {
      fake.hub.listingOverrides.delete("evil/listing");
    }
  };
  await bad({ sha: "../../victim", siblings: [] }, /sent commit "\.\.\/\.\.\/victim", which is not a 40-hex-digit sha/);
  for (const [name, why] of [
    ["../victim/bench_model.json", "has a '.' or '..' segment"],
    ["/etc/passwd", "is absolute"],
    ["a\\b.json", "contains a backslash"],
    ["a//b.json", "has an empty path segment"],
  ]) {
    await bad(
      { sha: C, siblings: [{ rfilename: name }, { rfilename: "model.onnx" }] },
      new RegExp(
        `names file ${JSON.stringify(name).replace(/[\\.\\\\/]/g, "\\$&")}, which ${why.replace(/[.]/g, "\\.")}; refusing to use it`,
      ),
    );
  }
  await bad(
    { sha: "4".repeat(40), siblings: [] },
    /^hub: asked for commit 3{40} of evil\/listing but the server answered commit 4{40}; refusing a different commit$/,
    C,
  );
  fake.hub.listingOverrides.set("evil/listing", { sha: "5".repeat(40) });
  try {
    await assert.rejects(
      resolveModelDir(`evil/listing@${C}`, { cacheDir }),
      benchError(/answered commit 5{40}; refusing a different commit/),
    );
  } finally {
    fake.hub.listingOverrides.delete("evil/listing");
  }
  // The resolve endpoint answering another commit than the pinned one is refused too.
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "org/othercommit", revision: C, filename: "model.onnx", cacheDir }),
    benchError(/^hub: asked for commit 3{40} but the server answered commit 7{40}/),
  );
  assert.ok(!existsSync(join(folder("org/othercommit"), "snapshots")));
  assert.throws(() => parseListing("<html>", { repoId: "a/b", revision: "main" }, "u"), benchError(/is not JSON/));
  victimIntact();
});

test("an HTML page with 200, or a body that disagrees with the listing's size, is never promoted", async () => {
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "org/html", revision: C, filename: "model.onnx", cacheDir }),
    benchError(/^hub: the server answered an HTML page \(content-type text\/html\) instead of model org\/html/),
  );
  await assert.rejects(
    hubDownload({ repoType: "model", repoId: "org/nolength", revision: C, filename: "model.onnx", cacheDir, expectedSize: 5 }),
    benchError(/^hub: download of org\/nolength\/model\.onnx is incomplete or wrong: got \d+ bytes, the repo listing says 5/),
  );
  assert.ok(
    !existsSync(join(folder("org/html"), "snapshots")) ||
      readdirSync(join(folder("org/html"), "snapshots"), { recursive: true }).every((p) => !String(p).endsWith("model.onnx")),
  );
  assert.deepEqual(incomplete(), []);
  // Without a check to fail, a chunked body is accepted (it was complete).
  assert.ok(
    readFileSync(await hubDownload({ repoType: "model", repoId: "org/nolength", revision: C, filename: "model.onnx", cacheDir })).equals(
      Buffer.from("org/nolength/model.onnx"),
    ),
  );
});

test("a server that stops sending: the stall timeout fires (BENCH_HUB_STALL_TIMEOUT_S), exit 5, no partial file", async () => {
  process.env.BENCH_HUB_STALL_TIMEOUT_S = "1";
  try {
    await assert.rejects(
      hubDownload({ repoType: "model", repoId: "org/hang", revision: C, filename: "model.onnx", cacheDir }),
      benchError(
        /^hub: download of org\/hang\/model\.onnx broke off after 10 bytes .*: no bytes for 1 s \(BENCH_HUB_STALL_TIMEOUT_S\)$/,
        ExitCode.Network,
      ),
    );
    process.env.BENCH_HUB_STALL_TIMEOUT_S = "soon";
    await assert.rejects(
      hubDownload({ repoType: "model", repoId: "org/hang", revision: C, filename: "model.onnx", cacheDir }),
      benchError(/BENCH_HUB_STALL_TIMEOUT_S must be a positive number/, ExitCode.Usage),
    );
  } finally {
    delete process.env.BENCH_HUB_STALL_TIMEOUT_S;
  }
  assert.deepEqual(incomplete(), []);
});

test("Ctrl-C during a download removes the partial blob and exits 130", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./fixtures/download-one.ts", import.meta.url)), "org/hang", C, "model.onnx", cacheDir],
    {
      env: { ...process.env, BENCH_HUB_STALL_TIMEOUT_S: "600" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  // Wait (without a fixed sleep) until the partial file exists: the download is in flight.
  const snapDir = join(folder("org/hang"), "snapshots");
  while (incomplete().length === 0) {
    if (child.exitCode !== null) assert.fail(`child exited early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGINT");
  const code = await new Promise<number | null>((ok) => child.on("exit", (c) => ok(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /hub: interrupted \(SIGINT\); partial downloads removed/);
  assert.deepEqual(incomplete(), []);
  assert.ok(!existsSync(join(snapDir, C, "model.onnx")));
});

test("HF_TOKEN: only to the endpoint's exact origin (not another host name), never printed; a token with a newline is refused unshown", async () => {
  process.env.HF_TOKEN = "hf_tok";
  try {
    const n = fake.hub.hubRequests.length;
    await hubDownload({ repoType: "model", repoId: "org/ok", revision: C, filename: "model.onnx", cacheDir });
    assert.equal(fake.hub.hubRequests[n]!.auth, "Bearer hf_tok");
    // /other-host/ redirects to http://localhost:<same port>: another origin, so the token is dropped (and the file, which needs it, is refused).
    const m = fake.hub.hubRequests.length;
    await assert.rejects(
      hubDownload({
        repoType: "model",
        repoId: "org/ok",
        revision: C,
        filename: "model.onnx",
        cacheDir: join(sandbox, "cache2"),
        endpoint: `${fake.hub.endpoint}/other-host`,
      }),
      benchError(/^hub: 401 /),
    );
    assert.equal(fake.hub.hubRequests[m]!.auth, "Bearer hf_tok");
    assert.equal(fake.hub.hubRequests[m + 1]!.auth, undefined, "no token after a redirect to another origin");
    process.env.HF_TOKEN = "hf_secret\nX-Injected: 1";
    await assert.rejects(
      hubDownload({ repoType: "model", repoId: "org/ok", revision: C, filename: "model.onnx", cacheDir: join(sandbox, "cache3") }),
      (e: unknown) => {
        benchError(
          /^hub: HF_TOKEN contains a newline or another control character; set it to the token alone \(its value is not shown\)$/,
          ExitCode.Usage,
        )(e);
        assert.doesNotMatch((e as Error).message, /hf_secret/);
        return true;
      },
    );
    assert.equal(redact("GET x?token=hf_abc failed: hf_abc", "hf_abc"), "GET x?token=<HF_TOKEN> failed: <HF_TOKEN>");
  } finally {
    delete process.env.HF_TOKEN;
  }
});

test("a revision that would leave the cache (org/name@../../x) is refused before any path is made", async () => {
  await assert.rejects(
    resolveModelDir("org/ok@../../../../victim", { cacheDir }),
    benchError(/^hub: revision "\.\.\/\.\.\/\.\.\/\.\.\/victim" has a '\.' or '\.\.' segment$/),
  );
  victimIntact();
});

test("HF_ENDPOINT that is not an http(s) URL is a one-line usage error", async () => {
  for (const bad of ["huggingface.co", "ftp://mirror", "file:///tmp", ""]) {
    assert.throws(
      () => hubEndpoint(bad),
      benchError(/^hub: HF_ENDPOINT must be an http\(s\) URL such as https:\/\/huggingface\.co, got /, ExitCode.Usage),
    );
  }
  assert.equal(hubEndpoint("https://hf-mirror.com"), "https://hf-mirror.com");
});
