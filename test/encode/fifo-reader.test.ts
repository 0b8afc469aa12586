import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { openFifo } from "../../src/encode/fifo-reader.js";

test("a FIFO delivers a writer process's bytes in order, drains after it exits, and is removed on close", async (t) => {
  const fifo = openFifo();
  if (!fifo) return t.skip("SKIPPED: no FIFO support here (not Linux or no mkfifo); the stdout transport is used instead");
  t.after(() => fifo.close());
  const chunks: Buffer[] = [];
  fifo.start((b) => chunks.push(Buffer.from(b)));
  // 5 MiB of a known pattern from a real writer process (more than the pipe holds, so reads interleave with writes).
  const n = 5 * 2 ** 20;
  const writer = spawn("/bin/sh", ["-c", `head -c ${n} /dev/zero | tr '\\0' 'a' > '${fifo.path}'`]);
  await new Promise((ok) => writer.on("close", ok));
  await fifo.drain();
  const got = Buffer.concat(chunks);
  assert.equal(got.length, n);
  assert.equal(createHash("sha256").update(got).digest("hex"), createHash("sha256").update(Buffer.alloc(n, "a")).digest("hex"));
  fifo.close();
  assert.equal(existsSync(fifo.path), false);
  await fifo.drain(); // resolves at once when closed
});
