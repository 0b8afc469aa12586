/**
 * One GET against the hub with redirects followed by hand, because (a) the hub puts the file's metadata
 * (X-Repo-Commit, X-Linked-Etag, X-Linked-Size) on the FIRST response, a 302 to the CDN, and (b) the
 * Authorization header goes only to the endpoint's exact origin (scheme + host + port): never to the CDN or any
 * other host, never after an https → http downgrade (issue 11 item 2). Every server-supplied name is checked by
 * ./validate.ts before anyone uses it. A stall timer aborts a request that receives no bytes for
 * BENCH_HUB_STALL_TIMEOUT_S seconds (default 60).
 */
import { BenchError, ExitCode, usageError } from "../errors.js";
import { checkRedirect, checkServerCommit, checkServerEtag, redact } from "./validate.js";

/** File metadata the hub reported, plus the final response whose body is the file. */
export interface HubResponse {
  /** Commit the revision resolved to (X-Repo-Commit, checked: 40 hex), when the server said. */
  commit: string | null;
  /** Content etag without quotes/W/ (checked: 40 or 64 hex): the LFS sha256 or the git blob sha1. */
  etag: string | null;
  /** X-Linked-Size (LFS files) when present. */
  linkedSize: number | null;
  /** The final 200 response. */
  response: Response;
  /** Re-arms the stall timer (call on every chunk read) and stops it (call when done). */
  stall: Stall;
}

const MAX_REDIRECTS = 10;

/** Seconds without a byte before a request is abandoned: BENCH_HUB_STALL_TIMEOUT_S, default 60. */
export function stallTimeoutS(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.BENCH_HUB_STALL_TIMEOUT_S;
  if (v === undefined || v === "") return 60;
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw usageError(`hub: BENCH_HUB_STALL_TIMEOUT_S must be a positive number of seconds, got ${JSON.stringify(v)}`);
  return n;
}

/** An abort signal that fires when `arm()` was not called for `seconds`. */
export class Stall {
  private readonly ac = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  stalled = false;
  constructor(readonly seconds: number) {
    this.arm();
  }
  get signal(): AbortSignal {
    return this.ac.signal;
  }
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stalled = true;
      this.ac.abort();
    }, this.seconds * 1000);
    this.timer.unref();
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

function cleanEtag(v: string | null, where: string): string | null {
  if (!v) return null;
  const e = v.replace(/^W\//, "").replace(/^"|"$/g, "");
  return e === "" ? null : checkServerEtag(e, where);
}

/** Describes a fetch failure by its underlying cause (ECONNREFUSED, ENOTFOUND, …). */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "UND_ERR_SOCKET") return "the connection closed before the body was complete (UND_ERR_SOCKET)";
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

/** Failures where no (complete) HTTP answer arrived or the server failed (5xx): exit 5, a cached copy may be used instead. */
export class HubNetworkError extends BenchError {
  constructor(message: string) {
    super(message, ExitCode.Network);
  }
}

/**
 * A 404. `entryMissing` is true when the repo and revision exist but the file does not (X-Error-Code
 * EntryNotFound, or an X-Repo-Commit on the 404), so callers probing optional files can tell it apart.
 */
export class HubNotFoundError extends BenchError {
  constructor(
    message: string,
    readonly entryMissing: boolean,
    /** Commit the hub resolved the revision to (X-Repo-Commit, checked: 40 hex), when it said. */
    readonly commit: string | null,
    /** The X-Error-Code header (RepositoryNotFound, RevisionNotFound, EntryNotFound), when present. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** A token must be one header-safe line; a bad one is refused without echoing it. */
export function checkToken(token: string | undefined): string | undefined {
  if (token !== undefined && /[\u0000-\u001f\u007f]/.test(token)) {
    throw usageError("hub: HF_TOKEN contains a newline or another control character; set it to the token alone (its value is not shown)");
  }
  return token;
}

/**
 * GETs `url`, following up to 10 redirects; `describe` names the wanted file for messages. The token is sent
 * only to `tokenOrigin` (default: url's origin, i.e. the endpoint the user set). Throws HubNetworkError (exit 5)
 * when the server cannot be reached, stalls or answers 5xx, BenchError on 401/403 (mentioning HF_TOKEN),
 * HubNotFoundError on 404, BenchError on other statuses. Messages never contain the token. `fileMeta` false
 * (API calls): ETags are not read.
 */
export async function hubGet(
  url: string,
  rawToken: string | undefined,
  describe: string,
  tokenOrigin = new URL(url).origin,
  fileMeta = true,
): Promise<HubResponse> {
  const token = checkToken(rawToken);
  try {
    return await get(url, token, describe, tokenOrigin, fileMeta);
  } catch (err) {
    if (err instanceof BenchError && token) err.message = redact(err.message, token);
    throw err;
  }
}

async function get(url: string, token: string | undefined, describe: string, tokenOrigin: string, fileMeta: boolean): Promise<HubResponse> {
  let current = url;
  let commit: string | null = null;
  let etag: string | null = null;
  let linkedSize: number | null = null;
  const stall = new Stall(stallTimeoutS());
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // identity: Content-Length must be the size of the bytes we write (fetch would otherwise decompress).
    const headers: Record<string, string> = { "user-agent": "bench/0.1", "accept-encoding": "identity" };
    if (token && new URL(current).origin === tokenOrigin) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      stall.arm();
      res = await fetch(current, { headers, redirect: "manual", signal: stall.signal });
    } catch (err) {
      stall.stop();
      const why = stall.stalled ? `no answer for ${stall.seconds} s (BENCH_HUB_STALL_TIMEOUT_S)` : networkReason(err);
      throw new HubNetworkError(`hub: cannot reach ${new URL(current).origin} for ${describe}: ${why}`);
    }
    const where = `${new URL(current).origin} (${describe})`;
    const fail = async (e: Error): Promise<never> => {
      stall.stop();
      await res.body?.cancel().catch(() => {});
      throw e;
    };
    try {
      // Metadata: take the first value seen along the chain (the hub's own response), as huggingface_hub does.
      const rc = res.headers.get("x-repo-commit");
      if (rc !== null) commit ??= checkServerCommit(rc, where);
      // API answers (fileMeta false) carry weak ETags of their own that name no blob: not read.
      if (fileMeta)
        etag ??=
          cleanEtag(res.headers.get("x-linked-etag"), where) ?? (res.status === 200 ? cleanEtag(res.headers.get("etag"), where) : null);
    } catch (err) {
      return fail(err as Error);
    }
    const ls = res.headers.get("x-linked-size");
    if (linkedSize === null && ls !== null && /^\d+$/.test(ls)) linkedSize = Number(ls);
    if (res.status >= 300 && res.status < 400) {
      const loc = res.headers.get("location");
      await res.body?.cancel().catch(() => {});
      if (!loc) return fail(new BenchError(`hub: ${res.status} redirect without a Location header from ${current}`));
      try {
        current = checkRedirect(loc, current).toString();
      } catch (err) {
        return fail(err as Error);
      }
      continue;
    }
    if (res.status === 200) return { commit, etag, linkedSize, response: res, stall };
    // The hub names the failure in X-Error-Code (RepositoryNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
    const code = res.headers.get("x-error-code");
    const tag = code ? ` (${code})` : "";
    if (res.status === 401 || res.status === 403) {
      const hint = token
        ? "HF_TOKEN is set but was refused: check that it is valid and has access to this repo (gated repos need their terms accepted)"
        : "the repo may not exist, or be private or gated: set HF_TOKEN to a token with read access";
      return fail(new BenchError(`hub: ${res.status} ${res.statusText}${tag} for ${describe} (${current}); ${hint}`));
    }
    if (res.status === 404) {
      const entryMissing = code === "EntryNotFound" || (code === null && commit !== null);
      const msg = `hub: 404 not found${tag}: ${describe} (${current}); check the repo id, the revision and the file name`;
      return fail(new HubNotFoundError(msg, entryMissing, commit, code));
    }
    if (res.status >= 500)
      return fail(
        new HubNetworkError(`hub: HTTP ${res.status} ${res.statusText} for ${describe} (${current}); the server failed, try again later`),
      );
    return fail(new BenchError(`hub: HTTP ${res.status} ${res.statusText} for ${describe} (${current})`));
  }
  stall.stop();
  throw new BenchError(`hub: more than ${MAX_REDIRECTS} redirects for ${describe} (last: ${current})`);
}
