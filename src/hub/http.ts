/**
 * One GET against the hub with redirects followed by hand, because (a) the hub puts the file's metadata
 * (X-Repo-Commit, X-Linked-Etag, X-Linked-Size) on the FIRST response, a 302 to the CDN, and (b) the
 * Authorization header must not be sent to a different host (requests/huggingface_hub behaviour).
 */
import { BenchError } from "../errors.js";

/** File metadata the hub reported, plus the final response whose body is the file. */
export interface HubResponse {
  /** Commit the revision resolved to (X-Repo-Commit), when the server said. */
  commit: string | null;
  /** Content etag without quotes/W/: the LFS sha256 (64 hex) or the git blob sha1. */
  etag: string | null;
  /** X-Linked-Size (LFS files) when present. */
  linkedSize: number | null;
  /** The final 200 response. */
  response: Response;
}

const MAX_REDIRECTS = 10;

function cleanEtag(v: string | null): string | null {
  if (!v) return null;
  return v.replace(/^W\//, "").replace(/^"|"$/g, "") || null;
}

/** Describes a fetch failure by its underlying cause (ECONNREFUSED, ENOTFOUND, …). */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "UND_ERR_SOCKET") return "the connection closed before the body was complete (UND_ERR_SOCKET)";
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

/** Marker for failures where no HTTP answer arrived (so a cached copy may be used instead). */
export class HubNetworkError extends BenchError {}

/**
 * A 404. `entryMissing` is true when the repo and revision exist but the file does not (X-Error-Code
 * EntryNotFound, or an X-Repo-Commit on the 404), so callers probing optional files can tell it apart.
 */
export class HubNotFoundError extends BenchError {
  constructor(
    message: string,
    readonly entryMissing: boolean,
    /** Commit the hub resolved the revision to (X-Repo-Commit), when it said. */
    readonly commit: string | null,
  ) {
    super(message);
  }
}

/**
 * GETs `url`, following up to 10 redirects; `describe` names the wanted file for 404 messages.
 * Throws BenchError on 401/403 (mentioning HF_TOKEN), 404 and other non-200 statuses.
 */
export async function hubGet(url: string, token: string | undefined, describe: string): Promise<HubResponse> {
  const origin = new URL(url).host;
  let current = url;
  let commit: string | null = null;
  let etag: string | null = null;
  let linkedSize: number | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // identity: Content-Length must be the size of the bytes we write (fetch would otherwise decompress).
    const headers: Record<string, string> = { "user-agent": "bench/0.1", "accept-encoding": "identity" };
    if (token && new URL(current).host === origin) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: "manual" });
    } catch (err) {
      throw new HubNetworkError(`hub: cannot reach ${new URL(current).origin} for ${describe}: ${networkReason(err)}`);
    }
    // Metadata: take the first value seen along the chain (the hub's own response), as huggingface_hub does.
    commit ??= res.headers.get("x-repo-commit");
    etag ??= cleanEtag(res.headers.get("x-linked-etag")) ?? (res.status === 200 ? cleanEtag(res.headers.get("etag")) : null);
    const ls = res.headers.get("x-linked-size");
    if (linkedSize === null && ls !== null && /^\d+$/.test(ls)) linkedSize = Number(ls);
    if (res.status >= 300 && res.status < 400) {
      const loc = res.headers.get("location");
      await res.body?.cancel();
      if (!loc) throw new BenchError(`hub: ${res.status} redirect without a Location header from ${current}`);
      current = new URL(loc, current).toString();
      continue;
    }
    if (res.status === 200) return { commit, etag, linkedSize, response: res };
    await res.body?.cancel();
    // The hub names the failure in X-Error-Code (RepositoryNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
    const code = res.headers.get("x-error-code");
    const tag = code ? ` (${code})` : "";
    if (res.status === 401 || res.status === 403) {
      const hint = token
        ? "HF_TOKEN is set but was refused: check that it is valid and has access to this repo (gated repos need their terms accepted)"
        : "the repo may not exist, or be private or gated: set HF_TOKEN to a token with read access";
      throw new BenchError(`hub: ${res.status} ${res.statusText}${tag} for ${describe} (${current}); ${hint}`);
    }
    if (res.status === 404) {
      const repoCommit = res.headers.get("x-repo-commit");
      const entryMissing = code === "EntryNotFound" || (code === null && repoCommit !== null);
      const msg = `hub: 404 not found${tag}: ${describe} (${current}); check the repo id, the revision and the file name`;
      throw new HubNotFoundError(msg, entryMissing, repoCommit);
    }
    throw new BenchError(`hub: HTTP ${res.status} ${res.statusText} for ${describe} (${current})`);
  }
  throw new BenchError(`hub: more than ${MAX_REDIRECTS} redirects for ${describe} (last: ${current})`);
}
