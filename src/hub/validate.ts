/**
 * Every name a hub server (or a mirror, or a proxy) supplies is checked here before it touches a path or a
 * request (issue 11 item 1): the commit a revision resolved to (X-Repo-Commit, the listing's sha), content
 * etags (blob file names), the file names of a listing (rfilename), and redirect targets. One module, so the
 * whole class is closed in one place.
 */
import { repoPathProblem } from "../util/repo-path.js";
import { BenchError } from "../errors.js";
import { isCommitSha } from "./cache.js";

/** A content etag: a git blob sha1 (40 hex) or an LFS sha256 (64 hex); it names blobs/<etag>. */
const ETAG = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function show(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

/**
 * A server-supplied commit sha (X-Repo-Commit, listing sha), or a BenchError naming where it came from. A full
 * git commit sha is the only form it may take: it names snapshots/<commit>.
 */
export function checkServerCommit(v: string, where: string): string {
  if (!isCommitSha(v)) throw new BenchError(`hub: ${where} sent commit ${show(v)}, which is not a 40-hex-digit sha; refusing to use it`);
  return v;
}

/** A server-supplied etag (already without quotes / W/), or a BenchError. */
export function checkServerEtag(v: string, where: string): string {
  if (!ETAG.test(v))
    throw new BenchError(`hub: ${where} sent etag ${show(v)}, which is neither a 40- nor a 64-hex-digit hash; refusing to use it`);
  return v;
}

/** A server-supplied repo file name, or a BenchError. */
export function checkServerPath(name: string, where: string): string {
  const p = repoPathProblem(name);
  if (p !== null) throw new BenchError(`hub: ${where} names file ${show(name)}, which ${p}; refusing to use it`);
  return name;
}

/** A redirect target resolved against the current URL: http(s) only. */
export function checkRedirect(location: string, current: string): URL {
  let u: URL;
  try {
    u = new URL(location, current);
  } catch {
    throw new BenchError(`hub: ${current} redirected to ${show(location)}, which is not a URL`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new BenchError(`hub: ${current} redirected to a ${u.protocol} URL; only http(s) is followed`);
  return u;
}

/** Removes every occurrence of `secret` from `text` (messages never show the token, whatever went wrong). */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("<HF_TOKEN>") : text;
}
