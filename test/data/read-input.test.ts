/** Input files that never end or are absurdly large are refused with one line before any parsing (issue 11 item 10). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDatasetFile } from "../../src/data/load.js";
import { MAX_INPUT_BYTES, readInputFile } from "../../src/data/read-input.js";
import { SAMPLE, benchError, tempDir } from "./fixtures.js";

const jsonl = SAMPLE.map((r) => JSON.stringify(r)).join("\n");

test("non-regular files are refused: a character device (/dev/zero), a FIFO, a directory", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(
      loadDatasetFile("/dev/zero"),
      benchError(/^data: \/dev\/zero is a character device, not a regular file; give a data file$/),
    );
    const fifo = join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    // Opening a FIFO for reading would block until a writer comes: the refusal must come from stat alone.
    await assert.rejects(loadDatasetFile(fifo), benchError(/^data: .*pipe\.jsonl is a FIFO \(named pipe\), not a regular file/));
    mkdirSync(join(dir, "d.jsonl"));
    await assert.rejects(loadDatasetFile(join(dir, "d.jsonl")), benchError(/^data: .*d\.jsonl is a directory, not a regular file/));
  } finally {
    cleanup();
  }
});

test("a file over the cap is refused naming the cap; at the cap it is read whole", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, "d.jsonl");
    writeFileSync(f, jsonl);
    const n = Buffer.byteLength(jsonl);
    assert.deepEqual(await readInputFile(f, "data", n), Buffer.from(jsonl));
    await assert.rejects(
      readInputFile(f, "data", n - 1),
      benchError(
        new RegExp(
          `^data: .*d\\.jsonl is larger than ${n - 1} bytes, the most bench reads into memory \\(MAX_INPUT_BYTES in src/data/read-input\\.ts\\)$`,
        ),
      ),
    );
    assert.equal(MAX_INPUT_BYTES, 2 ** 31);
    assert.equal((await loadDatasetFile(f)).rows.length, SAMPLE.length);
  } finally {
    cleanup();
  }
});

test("a regular file that reports size 0 but has content (/proc) is still read to its end, and capped", async () => {
  const buf = await readInputFile("/proc/self/status", "data");
  assert.match(buf.toString("utf8"), /^Name:/);
  await assert.rejects(readInputFile("/proc/self/status", "data", 10), benchError(/is larger than 10 bytes/));
});
