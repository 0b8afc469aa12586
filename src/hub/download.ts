/**
 * hubDownload: one file from a Hugging Face repo at a revision, into the shared hub cache (cache.ts), reused
 * on later runs without network. The body goes to a temp file next to the blob, is checked against
 * Content-Length / X-Linked-Size and, for LFS files, the sha256 etag, and only then renamed into place.
 * Layout: blobs/<etag> + a relative symlink snapshots/<commit>/<filename> like huggingface_hub; a plain
 * file in snapshots/ when the server gave no etag or symlinks are unavailable.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, symlinkSync, copyFileSync, existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { BenchError } from "../errors.js";
import { warn } from "../log.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { type RepoType, cachedCommit, findCached, hubCacheDir, hubToken, isCommitSha, isOffline, noExistPath, refPath, repoFolder, snapshotPath } from "./cache.js";
import { HubNetworkError, HubNotFoundError, hubGet, networkReason } from "./http.js";
import { Progress } from "./progress.js";

/** Re-exported so callers that load this module lazily (models/model-dir.ts) can tell a 404 apart. */
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
  // Names become cache paths: keep them inside the repo folder.
  for (const [what, v] of [["repo id", repoId], ["revision", revision], ["file name", filename]]) {
    if (v === "" || v.startsWith("/") || v.split(/[\\/]/).some((seg) => seg === ".." || seg === "")) {
      throw new BenchError(`hub: invalid ${what} "${v}" for ${describe}`);
    }
  }
  const cached = findCached(folder, revision, filename);
  // A pinned commit never changes: a cached copy is final. Branches are re-resolved unless offline.
  if (cached && (isCommitSha(revision) || isOffline())) return cached;
  // A 404 remembered for this commit (by us or huggingface_hub): optional-file probes stay offline-safe.
  const knownCommit = isCommitSha(revision) || isOffline() ? cachedCommit(folder, revision) : null;
  if (knownCommit && existsSync(noExistPath(folder, knownCommit, filename))) {
    throw new HubNotFoundError(`hub: 404 not found (cached in .no_exist): ${describe}`, true, knownCommit);
  }
  if (isOffline()) throw new BenchError(`hub: HF_HUB_OFFLINE is set and ${describe} is not cached; ${placeHint(folder, revision, filename)}`);
  const endpoint = req.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co";
  const url = hubFileUrl(endpoint, repoType, repoId, revision, filename);
  let got;
  try {
    got = await hubGet(url, req.token ?? hubToken(), describe);
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
      throw new BenchError(`${err.message}; check the network (or HF_ENDPOINT), or ${placeHint(folder, revision, filename)} and set HF_HUB_OFFLINE=1`);
    }
    throw err;
  }
  const commit = commitOf(got.commit, revision);
  if (commit === null) {
    await got.response.body?.cancel();
    throw new BenchError(`hub: the server did not say which commit revision "${revision}" is (no X-Repo-Commit header) for ${describe}`);
  }
  const target = snapshotPath(folder, commit, filename);
  rememberRef(folder, revision, commit);
  if (existsSync(target)) {
    await got.response.body?.cancel();
    return target;
  }
  const blob = got.etag && /^[\w-]+$/.test(got.etag) ? join(folder, "blobs", got.etag) : null;
  if (blob && existsSync(blob)) {
    await got.response.body?.cancel();
    linkInto(blob, target);
    return target;
  }
  const dest = blob ?? target;
  await streamToFile(got.response, dest, got.linkedSize, got.etag, `${repoId}/${filename}`, url);
  if (blob) linkInto(blob, target);
  return target;
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

async function streamToFile(res: Response, dest: string, linkedSize: number | null, etag: string | null, label: string, url: string): Promise<void> {
  const cl = res.headers.get("content-length");
  const encoded = (res.headers.get("content-encoding") ?? "identity") !== "identity";
  const contentLength = cl !== null && /^\d+$/.test(cl) && !encoded ? Number(cl) : null;
  const expected = linkedSize ?? contentLength;
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.incomplete`;
  const hash = createHash("sha256");
  const progress = new Progress(label, expected);
  let written = 0;
  const fh = await open(tmp, "w");
  try {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await fh.write(chunk);
        written += chunk.length;
        progress.update(written);
      }
    } catch (err) {
      throw new BenchError(`hub: download of ${label} broke off after ${written} bytes (${url}): ${networkReason(err)}`);
    } finally {
      await fh.close();
    }
    for (const [name, size] of [["Content-Length", contentLength], ["X-Linked-Size", linkedSize]] as const) {
      if (size !== null && size !== written) {
        throw new BenchError(`hub: download of ${label} is incomplete: got ${written} bytes, ${name} says ${size} (${url})`);
      }
    }
    if (etag && /^[0-9a-f]{64}$/.test(etag)) {
      const actual = hash.digest("hex");
      if (actual !== etag) throw new BenchError(`hub: download of ${label} is corrupt: sha256 ${actual}, the hub says ${etag} (${url})`);
    }
    renameSync(tmp, dest);
    progress.done(written);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
