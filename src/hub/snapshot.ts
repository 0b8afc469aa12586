/**
 * A hub repo at one commit, resolved from its listing (./listing.ts), and the files a path needs fetched into
 * one snapshot folder (snapshots/<commit>) with hubDownload. Offline (HF_HUB_OFFLINE=1) the commit comes from
 * the revision itself (a pinned sha) or refs/<branch>, and the file list from the listing saved by the last
 * online run, else from the snapshot folder itself; every missing file is named in ONE message (issue 13 item 8).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { BenchError, inputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { type RepoType, hubCacheDir, isCommitSha, isOffline, refPath, repoFolder, snapshotPath } from "./cache.js";
import { hubDownload } from "./download.js";
import { HubNetworkError } from "./http.js";
import { type ListedFile, listRepo } from "./listing.js";
import { warn } from "../log.js";
import { repoPathProblem } from "../util/repo-path.js";

export interface SnapshotRequest {
  repoType: RepoType;
  repoId: string;
  revision: string;
  endpoint?: string;
  cacheDir?: string;
  token?: string;
}

/** A repo at one commit. */
export interface Snapshot {
  req: SnapshotRequest;
  /** The repo's folder in the hub cache. */
  folder: string;
  /** The commit: 40 hex online; offline, the cached snapshot folder's name (any name a user chose). */
  commit: string;
  /** snapshots/<commit>. */
  dir: string;
  /** The repo's files at that commit (listing; offline: saved listing, else the snapshot folder's files). */
  files: Map<string, ListedFile>;
  /** Files are only read from the cache (HF_HUB_OFFLINE, or the hub could not be reached). */
  offline: boolean;
}

/** Where the last online listing of a commit is kept, so an offline run picks exactly the same files. */
function savedListingPath(folder: string, commit: string): string {
  return join(folder, ".bench-listing", `${commit}.json`);
}

function snapshotTree(dir: string): Map<string, ListedFile> {
  const files = new Map<string, ListedFile>();
  if (!existsSync(dir)) return files;
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const p = join(dir, rel);
    if (existsSync(p) && statSync(p).isFile()) files.set(relative(dir, p).split("\\").join("/"), { size: null, sha256: null, lfs: false });
  }
  return files;
}

/** The snapshot folder an offline run uses: the pinned sha, refs/<revision>, or the only cached one. */
function offlineCommit(folder: string, revision: string): string | null {
  if (isCommitSha(revision)) return existsSync(join(folder, "snapshots", revision)) ? revision : null;
  const ref = refPath(folder, revision);
  if (existsSync(ref)) {
    const c = readFileSync(ref, "utf8").trim();
    // A user who placed files by hand may name the folder anything; it must be one plain path segment.
    if (c !== "" && repoPathProblem(c) === null && !c.includes("/") && existsSync(join(folder, "snapshots", c))) return c;
  }
  const snaps = existsSync(join(folder, "snapshots")) ? readdirSync(join(folder, "snapshots")) : [];
  return snaps.length === 1 && revision === "main" ? snaps[0] : null;
}

/** The way around the cache altogether. */
function instead(repoType: RepoType): string {
  return repoType === "model" ? "pass a local model directory instead of the hub id" : "pass the data file with --data instead of the task";
}

/** How to fill the cache by hand, or avoid it. */
function placeAdvice(folder: string, revision: string, repoType: RepoType): string {
  const ref = isCommitSha(revision) ? "" : ` and write that folder's name to ${refPath(folder, revision)}`;
  const at = isCommitSha(revision) ? join(folder, "snapshots", revision) : join(folder, "snapshots", "<any-folder-name>");
  return `place them under ${at}/ (same relative paths)${ref}, or ${instead(repoType)}`;
}

/**
 * Resolves the repo at the revision. `need` names the files the caller would want, for the offline cold-miss
 * message (when nothing at all is cached, nothing can be picked from a listing).
 */
export async function openSnapshot(req: SnapshotRequest, need: string[]): Promise<Snapshot> {
  // The repo id and revision become cache paths (the repo folder, refs/<revision>): keep them inside the cache.
  for (const [what, v] of [
    ["repo id", req.repoId],
    ["revision", req.revision],
  ] as const) {
    const why = repoPathProblem(v);
    if (why !== null) throw inputError(`hub: ${what} ${JSON.stringify(v)} ${why}`);
  }
  const folder = repoFolder(req.cacheDir ?? hubCacheDir(), req.repoType, req.repoId);
  const label = `${req.repoType} ${req.repoId}@${req.revision}`;
  if (isOffline()) {
    const commit = offlineCommit(folder, req.revision);
    if (commit === null) {
      throw inputError(
        `hub: HF_HUB_OFFLINE is set and ${label} is not cached (no snapshot in ${join(folder, "snapshots")}); it needs ${need.join(", ")}: ${placeAdvice(folder, req.revision, req.repoType)}`,
      );
    }
    return cachedSnapshot(req, folder, commit);
  }
  let listing: Awaited<ReturnType<typeof listRepo>>;
  try {
    listing = await listRepo(req);
  } catch (err) {
    // Like huggingface_hub: when the hub cannot be reached, a cached snapshot of the revision is used (with a warning).
    const commit = err instanceof HubNetworkError ? offlineCommit(folder, req.revision) : null;
    if (commit === null) throw err;
    warn(`${err instanceof Error ? err.message : String(err)}; using the cached snapshot ${commit}`);
    return cachedSnapshot(req, folder, commit);
  }
  const commit = listing.commit;
  if (!isCommitSha(req.revision)) writeFileAtomic(refPath(folder, req.revision), commit);
  writeFileAtomic(savedListingPath(folder, commit), JSON.stringify(Object.fromEntries(listing.files)));
  return { req, folder, commit, dir: join(folder, "snapshots", commit), files: listing.files, offline: false };
}

/** A snapshot served from the cache only (offline, or the hub unreachable): the saved listing, else the folder's files. */
function cachedSnapshot(req: SnapshotRequest, folder: string, commit: string): Snapshot {
  const dir = join(folder, "snapshots", commit);
  const saved = savedListingPath(folder, commit);
  let files: Map<string, ListedFile> | null = null;
  if (existsSync(saved)) {
    try {
      const entries = Object.entries(JSON.parse(readFileSync(saved, "utf8")) as Record<string, ListedFile>);
      files = new Map(entries.filter(([name]) => repoPathProblem(name) === null));
    } catch {
      files = null; // a damaged saved listing: fall back to what the folder holds
    }
  }
  return { req, folder, commit, dir, files: files ?? snapshotTree(dir), offline: true };
}

/**
 * Makes every file of `names` (all in the listing) present in the snapshot and returns their local paths.
 * Offline, the files must already be there: all missing ones are named in one message.
 */
export async function fetchFiles(snap: Snapshot, names: string[]): Promise<string[]> {
  const { req } = snap;
  if (snap.offline) {
    const missing = names.filter((n) => !existsSync(snapshotPath(snap.folder, snap.commit, n)));
    if (missing.length > 0) {
      const why = isOffline() ? "HF_HUB_OFFLINE is set" : "the hub could not be reached";
      throw inputError(
        `hub: ${why} and ${req.repoType} ${req.repoId}@${req.revision} (cached snapshot ${snap.commit}) lacks ${missing.length} file(s): ${missing.join(", ")}; place them under ${snap.dir}/ (same relative paths), or ${instead(req.repoType)}`,
      );
    }
    return names.map((n) => snapshotPath(snap.folder, snap.commit, n));
  }
  const out: string[] = [];
  for (const filename of names) {
    const listed = snap.files.get(filename);
    if (listed === undefined) throw new BenchError(`hub: ${req.repoId}@${snap.commit} has no file ${filename} (not in the repo listing)`);
    out.push(
      await hubDownload({
        repoType: req.repoType,
        repoId: req.repoId,
        revision: snap.commit,
        filename,
        endpoint: req.endpoint,
        cacheDir: req.cacheDir,
        token: req.token,
        ...(listed.size !== null ? { expectedSize: listed.size } : {}),
        ...(listed.sha256 !== null ? { expectedSha256: listed.sha256 } : {}),
      }),
    );
  }
  return out;
}
