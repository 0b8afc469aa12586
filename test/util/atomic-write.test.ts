import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("writeFilesAtomic: when a rename fails, the targets already renamed and every temp are removed", (t) => {
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
