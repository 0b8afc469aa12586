/**
 * A real HTTP server on 127.0.0.1 that behaves like the hub's resolve endpoint (a 302 carrying
 * X-Repo-Commit / X-Linked-Etag / X-Linked-Size to a CDN on another host for LFS files, a direct 200 with a
 * git-sha1 ETag for small files), plus the CDN server itself. Both count requests and record auth headers.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";

/** One file the fake hub serves, and how it (mis)behaves. */
export interface ServedFile {
  repoType: "dataset" | "model";
  repoId: string;
  commit: string;
  filename: string;
  content: Uint8Array;
  /** LFS: redirect to the CDN with X-Linked-* headers (otherwise a direct 200 with a git-sha1 ETag). */
  lfs?: boolean;
  /** Require "Authorization: Bearer <token>" (401 otherwise, 403 when the token is wrong). */
  token?: string;
  /** Send only half the body after announcing the full Content-Length, then cut the connection. */
  truncate?: boolean;
  /** Announce X-Linked-Size one byte larger than the body. */
  wrongLinkedSize?: boolean;
  /** Announce a wrong sha256 in X-Linked-Etag. */
  wrongSha?: boolean;
  /** Send this X-Repo-Commit instead of the file's commit (hostile-server tests). */
  commitHeader?: string;
  /** Send this ETag (and X-Linked-Etag for LFS) instead of the real one (hostile-server tests). */
  etagHeader?: string;
  /** Send the body without Content-Length (chunked), as a proxy may. */
  noContentLength?: boolean;
  /** Answer 200 with an HTML page (text/html) instead of the file, as a captive portal may. */
  html?: boolean;
  /** Send the first 10 bytes, then hang with the connection open (stall-timeout tests). */
  hang?: boolean;
  /** Not in the listing (a file the resolve endpoint serves but the repo tree does not show). */
  unlisted?: boolean;
}

/** How the listing endpoint (/api/{models|datasets}/{repo}/revision/{rev}) misbehaves, per repo id. */
export interface ListingOverride {
  /** Answer this JSON body instead of the real listing. */
  body?: unknown;
  /** Answer this sha instead of the repo's commit. */
  sha?: string;
}

/** A running fake hub: its endpoint, request logs, and close(). */
export interface FakeHub {
  endpoint: string;
  hubRequests: { url: string; auth: string | undefined }[];
  cdnRequests: { url: string; auth: string | undefined }[];
  /** Per repo id: make the listing endpoint answer something else (hostile-server tests). */
  listingOverrides: Map<string, ListingOverride>;
  close: () => Promise<void>;
}

const listen = (s: Server): Promise<number> => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok((s.address() as AddressInfo).port)));

/** Starts the hub and CDN servers on ephemeral loopback ports. */
export async function startFakeHub(files: ServedFile[]): Promise<FakeHub> {
  const listingOverrides = new Map<string, ListingOverride>();
  const hubRequests: FakeHub["hubRequests"] = [];
  const cdnRequests: FakeHub["cdnRequests"] = [];
  const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
  const body = (res: ServerResponse, f: ServedFile, headers: Record<string, string | number>): void => {
    if (f.html)
      return void res.writeHead(200, { "content-type": "text/html", ...headers }).end("<html><body>Sign in to the Wi-Fi</body></html>");
    res.writeHead(200, f.noContentLength ? headers : { "content-length": f.content.length, ...headers });
    if (f.hang) {
      res.write(f.content.subarray(0, 10)); // then nothing: the client's stall timeout must fire
    } else if (f.truncate) {
      res.write(f.content.subarray(0, f.content.length >> 1), () => res.destroy());
    } else res.end(f.content);
  };
  const cdn = createServer((req: IncomingMessage, res: ServerResponse) => {
    cdnRequests.push({ url: req.url ?? "", auth: req.headers.authorization });
    const f = files[Number(new URL(req.url ?? "", "http://x").searchParams.get("i"))];
    if (!f) return void res.writeHead(404).end();
    body(res, f, { etag: `"${f.etagHeader ?? sha(f.content)}"` });
  });
  const cdnPort = await listen(cdn);
  const hub = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "";
    hubRequests.push({ url, auth: req.headers.authorization });
    // Renamed repo: a relative 307, as the hub answers for moved repos; auth must survive (same host).
    if (url.startsWith("/datasets/old-org/")) {
      return void res.writeHead(307, { location: url.replace("/datasets/old-org/", "/datasets/org/") }).end();
    }
    // Moved to another host name of the same server (localhost vs 127.0.0.1): the token must not follow.
    if (url.startsWith("/other-host/")) {
      return void res.writeHead(307, { location: `http://localhost:${hubPort}${url.slice("/other-host".length)}` }).end();
    }
    if (url.startsWith("/api/")) return listing(url, req, res);
    const i = files.findIndex((f) => {
      const prefix = `/${f.repoType === "dataset" ? "datasets/" : ""}${f.repoId}/resolve/`;
      if (!url.startsWith(prefix)) return false;
      const [rev, ...rest] = url.slice(prefix.length).split("/");
      return (rev === f.commit || rev === "main") && rest.map(decodeURIComponent).join("/") === f.filename;
    });
    const f = files[i];
    if (!f) {
      // Like the hub: a missing file in an existing repo is a 404 EntryNotFound carrying the commit; an unknown
      // repo is a 401 RepositoryNotFound (the hub does not reveal whether private repos exist).
      const repo = files.find((g) => url.startsWith(`/${g.repoType === "dataset" ? "datasets/" : ""}${g.repoId}/resolve/`));
      if (!repo) return void res.writeHead(401, { "x-error-code": "RepositoryNotFound" }).end("Repository not found");
      return void res
        .writeHead(404, { "x-error-code": "EntryNotFound", "x-repo-commit": repo.commitHeader ?? repo.commit })
        .end("Entry not found");
    }
    if (f.token !== undefined) {
      if (!req.headers.authorization) return void res.writeHead(401).end("Unauthorized");
      if (req.headers.authorization !== `Bearer ${f.token}`) return void res.writeHead(403).end("Forbidden");
    }
    const common = { "x-repo-commit": f.commitHeader ?? f.commit };
    if (f.lfs) {
      const linkedSize = f.content.length + (f.wrongLinkedSize ? 1 : 0);
      const etag = f.etagHeader ?? (f.wrongSha ? "0".repeat(64) : sha(f.content));
      res.writeHead(302, {
        ...common,
        location: `http://127.0.0.1:${cdnPort}/blob?i=${i}`,
        "x-linked-etag": `"${etag}"`,
        "x-linked-size": linkedSize,
        etag: '"abc"',
      });
      return void res.end();
    }
    const gitSha1 = createHash("sha1").update(`blob ${f.content.length}\0`).update(f.content).digest("hex");
    body(res, f, { ...common, etag: `"${f.etagHeader ?? gitSha1}"` });
  });
  /**
   * GET /api/{models|datasets}/{repo_id}/revision/{revision}[?blobs=true], as huggingface_hub's repo_info calls it:
   * {sha, siblings: [{rfilename}]}; with blobs=true each sibling also has size, blobId and, for LFS files,
   * lfs {sha256, size, pointerSize}. Unknown repo: 401 (no token) / 404 (token) RepositoryNotFound; unknown
   * revision: 404 RevisionNotFound.
   */
  const listing = (url: string, req: IncomingMessage, res: ServerResponse): void => {
    const u = new URL(url, "http://x");
    const m = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(u.pathname);
    const json = (status: number, o: unknown, headers: Record<string, string> = {}): void =>
      void res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(o));
    if (!m) return json(404, { error: "Not found" });
    const repoType = m[1] === "datasets" ? "dataset" : "model";
    const repoId = decodeURIComponent(m[2]);
    const revision = decodeURIComponent(m[3]);
    const repoFiles = files.filter((f) => f.repoType === repoType && f.repoId === repoId);
    if (repoFiles.length === 0) {
      return json(req.headers.authorization ? 404 : 401, { error: "Repository not found" }, { "x-error-code": "RepositoryNotFound" });
    }
    const commit = repoFiles[0].commit;
    if (revision !== commit && revision !== "main")
      return json(404, { error: `Invalid rev id: ${revision}` }, { "x-error-code": "RevisionNotFound" });
    const ov = listingOverrides.get(repoId);
    if (ov?.body !== undefined) return json(200, ov.body);
    const blobs = u.searchParams.get("blobs")?.toLowerCase() === "true";
    const siblings = repoFiles
      .filter((f) => !f.unlisted)
      .map((f) => {
        if (!blobs) return { rfilename: f.filename };
        const blobId = createHash("sha1").update(`blob ${f.content.length}\0`).update(f.content).digest("hex");
        const lfs = f.lfs ? { lfs: { sha256: sha(f.content), size: f.content.length, pointerSize: 134 } } : {};
        return { rfilename: f.filename, blobId, size: f.content.length, ...lfs };
      });
    json(200, { _id: "0".repeat(24), id: repoId, sha: ov?.sha ?? commit, private: false, siblings });
  };
  const hubPort = await listen(hub);
  const close = (s: Server): Promise<void> =>
    new Promise((ok) => {
      s.closeAllConnections();
      s.close(() => ok());
    });
  return {
    endpoint: `http://127.0.0.1:${hubPort}`,
    hubRequests,
    cdnRequests,
    listingOverrides,
    close: async () => {
      await Promise.all([close(hub), close(cdn)]);
    },
  };
}

/** A test file's fake hub and the temp $HF_HOME it runs under; set by useFakeHub's before() hook. */
export interface FakeHubEnv {
  hub: FakeHub;
  home: string;
}

/**
 * Registers before/after hooks for the calling test file: start a fake hub serving `files`, point HF_ENDPOINT at
 * it and HF_HOME at a fresh temp dir, with no token, offline or cache variable inherited from the caller's
 * environment; afterwards close the hub, remove the dir and restore process.env. Read the fields inside tests.
 */
export function useFakeHub(files: ServedFile[]): FakeHubEnv {
  const env = {} as FakeHubEnv;
  const saved = { ...process.env };
  before(async () => {
    env.hub = await startFakeHub(files);
    env.home = mkdtempSync(join(tmpdir(), "bench-h3-hfhome-"));
    for (const k of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE", "HF_TOKEN_PATH"]) delete process.env[k];
    process.env.HF_HOME = env.home;
    process.env.HF_ENDPOINT = env.hub.endpoint;
  });
  after(async () => {
    await env.hub.close();
    rmSync(env.home, { recursive: true, force: true });
    process.env = saved;
  });
  return env;
}
