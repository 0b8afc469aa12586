/**
 * The repo listing: GET {endpoint}/api/{models|datasets}/{repo_id}/revision/{revision}?blobs=true, the call
 * huggingface_hub's repo_info(files_metadata=True) / snapshot_download make. The answer is JSON
 * {sha, siblings: [{rfilename, size, blobId, lfs?: {sha256, size}}]}; errors carry X-Error-Code
 * (RepositoryNotFound: 401 without a token, 404 with one; RevisionNotFound: 404). Every name in it is checked
 * (./validate.ts) before use.
 */
import { BenchError } from "../errors.js";
import { type RepoType, hubToken, isCommitSha } from "./cache.js";
import { HubNetworkError, hubGet } from "./http.js";
import { checkServerCommit, checkServerPath } from "./validate.js";
import { isSha256Hex } from "../util/sha256.js";

/** One file of a listing; size and sha256 when the hub gave them (sha256 only for LFS files). */
export interface ListedFile {
  size: number | null;
  sha256: string | null;
  lfs: boolean;
}

/** A repo at one commit: the commit (40 hex, checked) and its files by repo-relative name. */
export interface RepoListing {
  commit: string;
  files: Map<string, ListedFile>;
}

/** The listing URL (huggingface_hub HfApi.repo_info with files_metadata=True). */
export function listingUrl(endpoint: string, repoType: RepoType, repoId: string, revision: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return `${base}/api/${repoType}s/${repoId}/revision/${encodeURIComponent(revision)}?blobs=true`;
}

/** The endpoint: the argument, else HF_ENDPOINT, else https://huggingface.co; anything but an http(s) URL is a usage error. */
export function hubEndpoint(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  const e = given ?? env.HF_ENDPOINT ?? "https://huggingface.co";
  let ok = false;
  try {
    const u = new URL(e);
    ok = (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    ok = false;
  }
  if (!ok) throw new BenchError(`hub: HF_ENDPOINT must be an http(s) URL such as https://huggingface.co, got ${JSON.stringify(e)}`, 2);
  return e;
}

export interface ListRequest {
  repoType: RepoType;
  repoId: string;
  revision: string;
  endpoint?: string;
  token?: string;
}

/** Lists the repo at `revision`. A pinned 40-hex revision answered with another sha is refused (issue 11 item 9). */
export async function listRepo(req: ListRequest): Promise<RepoListing> {
  const endpoint = hubEndpoint(req.endpoint);
  const url = listingUrl(endpoint, req.repoType, req.repoId, req.revision);
  const describe = `${req.repoType} ${req.repoId} revision ${req.revision} (file listing)`;
  const got = await hubGet(url, req.token ?? hubToken(), describe, new URL(endpoint).origin, false);
  let text: string;
  try {
    const chunks: Buffer[] = [];
    for await (const c of got.response.body as unknown as AsyncIterable<Uint8Array>) {
      got.stall.arm();
      chunks.push(Buffer.from(c));
    }
    text = Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    throw new HubNetworkError(`hub: the file listing of ${req.repoId} broke off (${url}): ${(err as Error).message}`);
  } finally {
    got.stall.stop();
  }
  return parseListing(text, req, url);
}

/** Parses and checks a listing body; exported for tests. */
export function parseListing(text: string, req: Pick<ListRequest, "repoId" | "revision">, url: string): RepoListing {
  const where = `the file listing of ${req.repoId} (${url})`;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new BenchError(`hub: ${where} is not JSON (a proxy or captive portal may be in the way)`);
  }
  const obj = o as { sha?: unknown; siblings?: unknown };
  if (typeof obj?.sha !== "string") throw new BenchError(`hub: ${where} has no "sha"`);
  const commit = checkServerCommit(obj.sha, where);
  if (isCommitSha(req.revision) && commit !== req.revision) {
    throw new BenchError(
      `hub: asked for commit ${req.revision} of ${req.repoId} but the server answered commit ${commit}; refusing a different commit`,
    );
  }
  if (!Array.isArray(obj.siblings)) throw new BenchError(`hub: ${where} has no "siblings" list`);
  const files = new Map<string, ListedFile>();
  for (const s of obj.siblings as { rfilename?: unknown; size?: unknown; lfs?: { sha256?: unknown; size?: unknown } }[]) {
    if (typeof s?.rfilename !== "string") throw new BenchError(`hub: ${where} has a sibling without "rfilename"`);
    const name = checkServerPath(s.rfilename, where);
    const size = Number.isSafeInteger(s.size) && (s.size as number) >= 0 ? (s.size as number) : null;
    const sha = isSha256Hex(s.lfs?.sha256) ? s.lfs.sha256 : null;
    files.set(name, { size, sha256: sha, lfs: s.lfs !== undefined && s.lfs !== null });
  }
  return { commit, files };
}
