/**
 * hubDownload: one file from a Hugging Face repo at a revision, into the shared hub cache (cache.ts), reused
 * on later runs without network. The body goes to a temp file next to the blob, is checked against
 * Content-Length / X-Linked-Size and, for LFS files, the sha256 etag, and only then renamed into place.
 * Layout: blobs/<etag> + a relative symlink snapshots/<commit>/<filename> like huggingface_hub; a plain
 * file in snapshots/ when the server gave no etag or symlinks are unavailable.
 */
import { type Hash, createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, symlinkSync, copyFileSync, existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { BenchError } from "../errors.js";
import { warn } from "../log.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import {
  type RepoType,
  cachedCommit,
  findCached,
  hubCacheDir,
  hubToken,
  isCommitSha,
  isOffline,
  noExistPath,
  refPath,
  repoFolder,
  snapshotPath,
} from "./cache.js";
import { HubNetworkError, HubNotFoundError, type HubResponse, type Stall, hubGet, networkReason } from "./http.js";
import { hubEndpoint } from "./listing.js";
import { Progress } from "./progress.js";
import { removeOnSignal } from "./signals.js";
import { repoPathProblem } from "../util/repo-path.js";
import { isSha256Hex } from "../util/sha256.js";

/** Re-exported so callers of hubDownload can tell a 404 apart without importing http.ts. */
export { HubNotFoundError } from "./http.js";

/** What to download. `endpoint`, `token`, `cacheDir` default to HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE. */
export interface HubFileRequest {
  repoType: RepoType;
  repoId: string;
  revision: string;
  filename: string;
  endpoint?: string;
  token?: string;
  cacheDir?: string;
  /** Size the listing gave (?blobs=true): the body must have exactly this many bytes. */
  expectedSize?: number;
  /** LFS sha256 the listing gave: the body must hash to it. */
  expectedSha256?: string;
}

/** The resolve URL: ${endpoint}/[datasets/]ORG/NAME/resolve/<revision>/<filename> (huggingface_hub hf_hub_url). */
export function hubFileUrl(endpoint: string, repoType: RepoType, repoId: string, revision: string, filename: string): string {
  const base = endpoint.replace(/\/+$/, "");
  const prefix = repoType === "dataset" ? "datasets/" : "";
  const file = filename.split("/").map(encodeURIComponent).join("/");
  return `${base}/${prefix}${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** Where a user must put the file by hand (a branch also needs refs/<branch> naming the commit). */
function placeHint(folder: string, revision: string, filename: string): string {
  if (isCommitSha(revision)) return `place the file at ${snapshotPath(folder, revision, filename)}`;
  const ref = refPath(folder, revision);
  return `place the file at ${snapshotPath(folder, "<commit>", filename)} and write that commit sha to ${ref}`;
}

/** The commit a revision resolved to: what the hub said (X-Repo-Commit), else the revision itself when it is a sha. */
function commitOf(reported: string | null, revision: string): string | null {
  return reported ?? (isCommitSha(revision) ? revision : null);
}

/** Records refs/<branch> = commit, as huggingface_hub does, so an offline run can resolve the branch later. */
function rememberRef(folder: string, revision: string, commit: string): void {
  if (!isCommitSha(revision) && revision !== commit) writeFileAtomic(refPath(folder, revision), commit);
}

/** Downloads (or finds in the cache) one file and returns its local path (inside snapshots/). */
export async function hubDownload(req: HubFileRequest): Promise<string> {
  const { repoType, repoId, revision, filename } = req;
  const folder = repoFolder(req.cacheDir ?? hubCacheDir(), repoType, repoId);
  const describe = `${repoType} ${repoId} revision ${revision} file ${filename}`;
  checkNames(req, describe);
  const cached = findCached(folder, revision, filename);
  // A pinned commit never changes: a cached copy is final. Branches are re-resolved unless offline.
  if (cached && (isCommitSha(revision) || isOffline())) return cached;
  refuseWithoutNetwork(folder, req, describe);
  const url = hubFileUrl(hubEndpoint(req.endpoint), repoType, repoId, revision, filename);
  const got = await requestFile(url, req, folder, describe, cached);
  if (typeof got === "string") return got; // the network failed: the cached copy of a branch
  const commit = await checkAnswer(got, req, describe, url);
  const target = snapshotPath(folder, commit, filename);
  rememberRef(folder, revision, commit);
  // got.etag is checked (40/64 hex) by http.ts, so it is a safe file name.
  const blob = got.etag ? join(folder, "blobs", got.etag) : null;
  if (await alreadyCached(got, target, blob)) return target;
  const sha256 = req.expectedSha256 ?? (isSha256Hex(got.etag) ? got.etag : null);
  await streamToFile(
    got.response,
    got.stall,
    blob ?? target,
    { linkedSize: got.linkedSize, listed: req.expectedSize ?? null, sha256 },
    `${repoId}/${filename}`,
    url,
  );
  if (blob) linkInto(blob, target);
  return target;
}

/** Names become cache paths: keep them inside the repo folder. */
function checkNames(req: HubFileRequest, describe: string): void {
  for (const [what, v] of [
    ["repo id", req.repoId],
    ["revision", req.revision],
    ["file name", req.filename],
  ]) {
    if (repoPathProblem(v) !== null) throw new BenchError(`hub: invalid ${what} "${v}" for ${describe}`);
  }
}

/** Before any request: a 404 remembered in .no_exist, or HF_HUB_OFFLINE without a cached copy, is an error here. */
function refuseWithoutNetwork(folder: string, req: HubFileRequest, describe: string): void {
  const { revision, filename } = req;
  // A 404 remembered for this commit (by us or huggingface_hub): optional-file probes stay offline-safe.
  const knownCommit = isCommitSha(revision) || isOffline() ? cachedCommit(folder, revision) : null;
  if (knownCommit && existsSync(noExistPath(folder, knownCommit, filename))) {
    throw new HubNotFoundError(`hub: 404 not found (cached in .no_exist): ${describe}`, true, knownCommit);
  }
  if (isOffline())
    throw new BenchError(`hub: HF_HUB_OFFLINE is set and ${describe} is not cached; ${placeHint(folder, revision, filename)}`);
}

/**
 * The resolve request. A network failure falls back to the cached copy of a branch (returned as its path); a 404
 * of a missing entry is remembered in .no_exist; other network failures say how to place the file by hand.
 */
async function requestFile(
  url: string,
  req: HubFileRequest,
  folder: string,
  describe: string,
  cached: string | null,
): Promise<HubResponse | string> {
  const { revision, filename } = req;
  try {
    return await hubGet(url, req.token ?? hubToken(), describe);
  } catch (err) {
    if (err instanceof HubNetworkError && cached) {
      warn(`${err.message}; using the cached copy ${cached}`);
      return cached;
    }
    if (err instanceof HubNotFoundError && err.entryMissing) {
      const commit = commitOf(err.commit, revision);
      if (commit !== null) {
        writeFileAtomic(noExistPath(folder, commit, filename), "");
        rememberRef(folder, revision, commit);
      }
    }
    if (err instanceof HubNetworkError) {
      throw new HubNetworkError(
        `${err.message}; check the network (or HF_ENDPOINT), or ${placeHint(folder, revision, filename)} and set HF_HUB_OFFLINE=1`,
      );
    }
    throw err;
  }
}

/** Stops reading an answer whose body is not needed. */
async function discardBody(got: HubResponse): Promise<void> {
  got.stall.stop();
  await got.response.body?.cancel().catch(() => {});
}

/** The commit the answer is for, once the answer is known to be for the file asked for (else the body is discarded and refused). */
async function checkAnswer(got: HubResponse, req: HubFileRequest, describe: string, url: string): Promise<string> {
  const { revision, filename } = req;
  const refuse = async (msg: string): Promise<never> => {
    await discardBody(got);
    throw new BenchError(msg);
  };
  const commit = commitOf(got.commit, revision);
  if (commit === null)
    return refuse(`hub: the server did not say which commit revision "${revision}" is (no X-Repo-Commit header) for ${describe}`);
  // A pinned commit is a promise about content: a server answering another one is refused (issue 11 item 9).
  if (isCommitSha(revision) && commit !== revision)
    return refuse(
      `hub: asked for commit ${revision} but the server answered commit ${commit} for ${describe}; refusing a different commit`,
    );
  const ctype = got.response.headers.get("content-type") ?? "";
  if (/^text\/html\b/i.test(ctype) && !/\.html?$/i.test(filename)) {
    return refuse(
      `hub: the server answered an HTML page (content-type ${ctype}) instead of ${describe}; a proxy or captive portal may be in the way (${url})`,
    );
  }
  return commit;
}
/** The snapshot file, or its blob (then linked into the snapshot), is already here: the body is not needed. */
async function alreadyCached(got: HubResponse, target: string, blob: string | null): Promise<boolean> {
  if (existsSync(target)) {
    await discardBody(got);
    return true;
  }
  if (blob && existsSync(blob)) {
    await discardBody(got);
    linkInto(blob, target);
    return true;
  }
  return false;
}

/** Relative symlink snapshots/<commit>/<file> → ../../blobs/<etag>; a copy where symlinks fail (Windows without rights). */
function linkInto(blob: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { force: true });
  try {
    symlinkSync(relative(dirname(target), blob), target);
  } catch {
    copyFileSync(blob, target);
  }
}

/** What the hub said about a file's bytes; every known value is checked before the file is promoted. */
interface Expected {
  linkedSize: number | null;
  /** The listing's size (?blobs=true). */
  listed: number | null;
  sha256: string | null;
}

/**
 * The streamed download: the body goes to `<dest>.<pid>.incomplete`, is checked against every size the hub gave
 * and the sha256, and only then is renamed to `dest` (the blob, or the snapshot file when there is no etag). Any
 * failure removes the partial file.
 */
async function streamToFile(res: Response, stall: Stall, dest: string, exp: Expected, label: string, url: string): Promise<void> {
  const contentLength = plainContentLength(res);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.incomplete`;
  // Ctrl-C / SIGTERM while the body streams: the partial file is removed before the process exits (issue 11 item 14).
  const release = removeOnSignal(tmp);
  const progress = new Progress(label, exp.listed ?? exp.linkedSize ?? contentLength);
  try {
    const { written, hash } = await writeBody(res, stall, tmp, progress, label, url);
    checkBody(written, hash, contentLength, exp, label, url);
    renameSync(tmp, dest);
    progress.done(written);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    release();
  }
}

/** Content-Length when it counts the body's bytes (no content-encoding), else null. */
function plainContentLength(res: Response): number | null {
  const cl = res.headers.get("content-length");
  const encoded = (res.headers.get("content-encoding") ?? "identity") !== "identity";
  return cl !== null && /^\d+$/.test(cl) && !encoded ? Number(cl) : null;
}

/** Writes the body to `tmp`, hashing it; a broken or stalled stream is a network error saying how many bytes came. */
async function writeBody(
  res: Response,
  stall: Stall,
  tmp: string,
  progress: Progress,
  label: string,
  url: string,
): Promise<{ written: number; hash: Hash }> {
  const hash = createHash("sha256");
  let written = 0;
  const fh = await open(tmp, "w");
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      stall.arm();
      hash.update(chunk);
      await fh.write(chunk);
      written += chunk.length;
      progress.update(written);
    }
  } catch (err) {
    const why = stall.stalled ? `no bytes for ${stall.seconds} s (BENCH_HUB_STALL_TIMEOUT_S)` : networkReason(err);
    throw new HubNetworkError(`hub: download of ${label} broke off after ${written} bytes (${url}): ${why}`);
  } finally {
    stall.stop();
    await fh.close();
  }
  return { written, hash };
}

/** Every known size must equal the bytes written, and the sha256 (when known) their hash. */
function checkBody(written: number, hash: Hash, contentLength: number | null, exp: Expected, label: string, url: string): void {
  for (const [name, size] of [
    ["Content-Length", contentLength],
    ["X-Linked-Size", exp.linkedSize],
    ["the repo listing", exp.listed],
  ] as const) {
    if (size !== null && size !== written) {
      throw new BenchError(`hub: download of ${label} is incomplete or wrong: got ${written} bytes, ${name} says ${size} (${url})`);
    }
  }
  if (exp.sha256 !== null) {
    const actual = hash.digest("hex");
    if (actual !== exp.sha256)
      throw new BenchError(`hub: download of ${label} is corrupt: sha256 ${actual}, the hub says ${exp.sha256} (${url})`);
  }
}
