/** sha256 helpers used for dataset fingerprints, split index hashes and model content hashes. */
import { createHash, webcrypto } from "node:crypto";
import { createReadStream } from "node:fs";

/** Whether `v` is a sha256 as lowercase hex (64 digits), the form listings, ETags and task files give. */
export function isSha256Hex(v: unknown): v is string {
  return typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
}

/** Hex sha256 of bytes or a string (UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Hex sha256 of bytes computed on libuv's thread pool (WebCrypto), so hashing a large dataset overlaps with
 * parsing it on the main thread. Start it before parsing, await it after; do not mutate `data` in between.
 */
export async function sha256HexInBackground(data: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest("SHA-256", data);
  return Buffer.from(digest).toString("hex");
}

/** Hex sha256 of a file, streamed (works for multi-GB model files). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}
