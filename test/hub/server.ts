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
}

/** A running fake hub: its endpoint, request logs, and close(). */
export interface FakeHub {
  endpoint: string;
  hubRequests: { url: string; auth: string | undefined }[];
  cdnRequests: { url: string; auth: string | undefined }[];
  close: () => Promise<void>;
}

const listen = (s: Server): Promise<number> =>
  new Promise((ok) => s.listen(0, "127.0.0.1", () => ok((s.address() as AddressInfo).port)));

/** Starts the hub and CDN servers on ephemeral loopback ports. */
export async function startFakeHub(files: ServedFile[]): Promise<FakeHub> {
  const hubRequests: FakeHub["hubRequests"] = [];
  const cdnRequests: FakeHub["cdnRequests"] = [];
  const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
  const body = (res: ServerResponse, f: ServedFile, headers: Record<string, string | number>): void => {
    res.writeHead(200, { "content-length": f.content.length, ...headers });
    if (f.truncate) {
      res.write(f.content.subarray(0, f.content.length >> 1), () => res.destroy());
    } else res.end(f.content);
  };
  const cdn = createServer((req: IncomingMessage, res: ServerResponse) => {
    cdnRequests.push({ url: req.url ?? "", auth: req.headers.authorization });
    const f = files[Number(new URL(req.url ?? "", "http://x").searchParams.get("i"))];
    if (!f) return void res.writeHead(404).end();
    body(res, f, { etag: `"${sha(f.content)}"` });
  });
  const cdnPort = await listen(cdn);
  const hub = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "";
    hubRequests.push({ url, auth: req.headers.authorization });
    // Renamed repo: a relative 307, as the hub answers for moved repos; auth must survive (same host).
    if (url.startsWith("/datasets/old-org/")) {
      return void res.writeHead(307, { location: url.replace("/datasets/old-org/", "/datasets/org/") }).end();
    }
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
      return void res.writeHead(404, { "x-error-code": "EntryNotFound", "x-repo-commit": repo.commit }).end("Entry not found");
    }
    if (f.token !== undefined) {
      if (!req.headers.authorization) return void res.writeHead(401).end("Unauthorized");
      if (req.headers.authorization !== `Bearer ${f.token}`) return void res.writeHead(403).end("Forbidden");
    }
    const common = { "x-repo-commit": f.commit };
    if (f.lfs) {
      const linkedSize = f.content.length + (f.wrongLinkedSize ? 1 : 0);
      const etag = f.wrongSha ? "0".repeat(64) : sha(f.content);
      res.writeHead(302, { ...common, location: `http://127.0.0.1:${cdnPort}/blob?i=${i}`, "x-linked-etag": `"${etag}"`, "x-linked-size": linkedSize, etag: '"abc"' });
      return void res.end();
    }
    const gitSha1 = createHash("sha1").update(`blob ${f.content.length}\0`).update(f.content).digest("hex");
    body(res, f, { ...common, etag: `"${gitSha1}"` });
  });
  const hubPort = await listen(hub);
  const close = (s: Server): Promise<void> => new Promise((ok) => { s.closeAllConnections(); s.close(() => ok()); });
  return {
    endpoint: `http://127.0.0.1:${hubPort}`,
    hubRequests,
    cdnRequests,
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
