import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renameSync } from "node:fs";
import { writeFileAtomic, writeFilesAtomic } from "../../src/util/atomic-write.js";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-atomic-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("writeFileAtomic creates parents and leaves no temp file", (t) => {
  const dir = tempDir(t);
  writeFileAtomic(join(dir, "a/b/c.txt"), "hello");
  assert.equal(readFileSync(join(dir, "a/b/c.txt"), "utf8"), "hello");
  assert.deepEqual(readdirSync(join(dir, "a/b")), ["c.txt"]);
});

test("writeFilesAtomic writes every file, replacing old contents", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "x.txt"), "old");
  writeFilesAtomic([
    { path: join(dir, "x.txt"), data: "new x" },
    { path: join(dir, "y.txt"), data: new Uint8Array([1, 2, 3]) },
  ]);
  assert.equal(readFileSync(join(dir, "x.txt"), "utf8"), "new x");
  assert.deepEqual([...readFileSync(join(dir, "y.txt"))], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir).sort(), ["x.txt", "y.txt"]);
});

test("writeFilesAtomic: when a later file cannot be written, no target is touched and no temp is left", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "x.txt"), "old");
  writeFileSync(join(dir, "blocker"), "a file where a directory is needed");
  assert.throws(
    () =>
      writeFilesAtomic([
        { path: join(dir, "x.txt"), data: "new" },
        { path: join(dir, "y.txt"), data: "y" },
        { path: join(dir, "blocker/z.txt"), data: "z" },
      ]),
    /ENOTDIR|EEXIST/,
  );
  assert.equal(readFileSync(join(dir, "x.txt"), "utf8"), "old");
  assert.ok(!existsSync(join(dir, "y.txt")));
  assert.deepEqual(readdirSync(dir).sort(), ["blocker", "x.txt"]);
});

test("writeFilesAtomic: a directory at a target name is refused before any file is touched", (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "d"));
  writeFileSync(join(dir, "d", "keep"), "a non-empty directory cannot be replaced by a file");
  assert.throws(
    () =>
      writeFilesAtomic([
        { path: join(dir, "x.txt"), data: "x" },
        { path: join(dir, "d"), data: "d" },
        { path: join(dir, "y.txt"), data: "y" },
      ]),
    /EISDIR|ENOTEMPTY|EEXIST|EPERM/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ["d"]);
});

test("writeFilesAtomic: when the k-th rename fails, the previous set survives byte for byte and new names are removed", (t) => {
  const dir = tempDir(t);
  const old = { "a.json": Buffer.from([0x7b, 0x7d, 0x0a]), "b.jsonl": Buffer.from("old b\n"), "c.json": Buffer.from("old c") };
  const files = [
    { path: join(dir, "a.json"), data: "new a" },
    { path: join(dir, "b.jsonl"), data: "new b" },
    { path: join(dir, "fresh.txt"), data: "did not exist before" },
    { path: join(dir, "c.json"), data: new Uint8Array([9, 9, 9]) },
  ];
  for (let k = 0; k < 2 * files.length; k++) {
    for (const [name, bytes] of Object.entries(old)) writeFileSync(join(dir, name), bytes);
    // The second round makes backups by copying, as on a file system without hard links.
    const noLinks =
      k >= files.length
        ? {
            link: () => {
              throw Object.assign(new Error("EPERM: links not supported"), { code: "EPERM" });
            },
          }
        : {};
    rmSync(join(dir, "fresh.txt"), { force: true });
    let calls = 0;
    const failing = {
      ...noLinks,
      rename: (from: string, to: string) => {
        if (calls++ === k % files.length)
          throw Object.assign(new Error(`ENOSPC: injected failure of rename ${k % files.length}`), { code: "ENOSPC" });
        renameSync(from, to);
      },
    };
    assert.throws(() => writeFilesAtomic(files, failing), /injected failure/);
    for (const [name, bytes] of Object.entries(old)) assert.deepEqual(readFileSync(join(dir, name)), bytes, `k=${k}: ${name} unchanged`);
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(old).sort(), `k=${k}: no new file, temp or backup left`);
  }
  // And the same set without a failure replaces everything and leaves no backup.
  writeFilesAtomic(files);
  assert.equal(readFileSync(join(dir, "a.json"), "utf8"), "new a");
  assert.deepEqual([...readFileSync(join(dir, "c.json"))], [9, 9, 9]);
  assert.deepEqual(readdirSync(dir).sort(), ["a.json", "b.jsonl", "c.json", "fresh.txt"]);
});
