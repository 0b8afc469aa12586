/**
 * The Hugging Face hub cache layout, the same one huggingface_hub uses, so files either tool placed are
 * shared: <HF_HUB_CACHE>/<datasets|models>--ORG--NAME/{blobs/<etag>, snapshots/<commit>/<filename> → symlink
 * to ../../blobs/<etag>, refs/<branch> = commit}. HF_HUB_CACHE defaults to $HF_HOME/hub, HF_HOME to
 * $XDG_CACHE_HOME/huggingface, XDG_CACHE_HOME to ~/.cache (huggingface_hub constants.py).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** "dataset" or "model": which kind of hub repo. */
export type RepoType = "dataset" | "model";

/** $HF_HOME, defaulting like huggingface_hub does. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface");
}

/** The hub cache root ($HF_HUB_CACHE or $HF_HOME/hub). */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HUB_CACHE || join(hfHome(env), "hub");
}

/** Folder of one repo in the cache: "datasets--C-MTEB--T2Reranking" (huggingface_hub repo_folder_name). */
export function repoFolder(cacheDir: string, repoType: RepoType, repoId: string): string {
  return join(cacheDir, `${repoType}s--${repoId.split("/").join("--")}`);
}

/** True for a full 40-hex git commit sha (a pinned revision; cache hits need no network). */
export function isCommitSha(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** Path a file has in the snapshot of `commit`. */
export function snapshotPath(folder: string, commit: string, filename: string): string {
  return join(folder, "snapshots", commit, ...filename.split("/"));
}

/** Path of the file naming the commit a branch/tag points to: refs/<revision>. */
export function refPath(folder: string, revision: string): string {
  return join(folder, "refs", ...revision.split("/"));
}

/** The commit a branch/tag ref points to in the cache (refs/<revision>), or null. */
function readRef(folder: string, revision: string): string | null {
  const ref = refPath(folder, revision);
  if (!existsSync(ref)) return null;
  const commit = readFileSync(ref, "utf8").trim();
  return isCommitSha(commit) ? commit : null;
}

/** Marker huggingface_hub writes when the hub said a file does not exist at a commit: .no_exist/<commit>/<filename>. */
export function noExistPath(folder: string, commit: string, filename: string): string {
  return join(folder, ".no_exist", commit, ...filename.split("/"));
}

/** The commit a revision means offline: itself when it is a sha, else what refs/<revision> says. */
export function cachedCommit(folder: string, revision: string): string | null {
  return isCommitSha(revision) ? revision : readRef(folder, revision);
}

/** The cached file for (revision, filename) if present, resolving branch refs offline; else null. */
export function findCached(folder: string, revision: string, filename: string): string | null {
  const commit = cachedCommit(folder, revision);
  if (commit === null) return null;
  const p = snapshotPath(folder, commit, filename);
  return existsSync(p) ? p : null; // existsSync follows the symlink: a dangling one is a miss
}

/** True when HF_HUB_OFFLINE is set to a true value ("1", "true", "yes", "on"), as huggingface_hub reads it. */
export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return ["1", "true", "yes", "on"].includes((env.HF_HUB_OFFLINE ?? "").toLowerCase());
}

/** The token: HF_TOKEN, then the legacy HUGGING_FACE_HUB_TOKEN, then $HF_HOME/token (huggingface-cli login). */
export function hubToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const t = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  if (t) return t;
  const file = env.HF_TOKEN_PATH || join(hfHome(env), "token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim() || undefined;
  return undefined;
}
