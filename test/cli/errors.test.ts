/** The error → message mapping of src/errors.ts that src/cli.ts applies to everything that reaches the top level. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ExitCode, fileSystemError, printable } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";

const errno = (code: string, syscall: string, path?: string, dest?: string): Error =>
  Object.assign(new Error(`${code}: raw node message, ${syscall}`), {
    code,
    syscall,
    ...(path ? { path } : {}),
    ...(dest ? { dest } : {}),
  });

test("printable escapes C0, DEL, C1 and bidi controls; keeps text, and newlines only when asked", () => {
  assert.equal(printable("北京 ok"), "北京 ok");
  assert.equal(printable("a\x1b[2Jb\x07\u009b1m\x7f"), "a\\x1b[2Jb\\x07\\x9b1m\\x7f");
  assert.equal(printable("x\u202egnp.exe"), "x\\u202egnp.exe");
  assert.equal(printable("l1\nl2\r\t"), "l1\\nl2\\r\\t");
  assert.equal(printable("l1\nl2\x1b", true), "l1\nl2\\x1b");
});

test("fileSystemError: errno errors with a path become one line with exit 5; others are left alone", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const e = fileSystemError(errno("ENOSPC", "write", "/data/cache/x.bin"), { BENCH_CACHE_DIR: "/data/cache" });
  assert.equal(e?.exitCode, ExitCode.FileSystem);
  assert.equal(
    e?.message,
    "file system: cannot write /data/cache/x.bin: no space left on the device (ENOSPC) (under $BENCH_CACHE_DIR=/data/cache; point it at a writable directory)",
  );
  // A variable is named only when the path is under it (not a mere string prefix).
  assert.equal(
    fileSystemError(errno("EACCES", "open", "/data/cachex/y"), { BENCH_CACHE_DIR: "/data/cache" })?.message,
    "file system: cannot open /data/cachex/y: permission denied (EACCES)",
  );
  assert.equal(fileSystemError(errno("EXDEV", "rename", "/a", "/b")), null, "unlisted codes stay internal errors");
  // rename names its destination.
  assert.equal(
    fileSystemError(errno("EISDIR", "rename", "/t/.x.tmp", "/t/x"), {})?.message,
    "file system: cannot rename /t/x: it is a directory (EISDIR)",
  );
  // write(2) has no path: only disk-level codes are mapped then.
  assert.equal(fileSystemError(errno("ENOSPC", "write"), {})?.message, "file system: cannot write: no space left on the device (ENOSPC)");
  assert.equal(fileSystemError(errno("ENOENT", "open"), {}), null);
  assert.equal(fileSystemError(new TypeError("x is not a function")), null);
  assert.equal(fileSystemError("a string"), null);
  // mkdir -p reports ENOENT below a read-only parent, and then the nearest existing ancestor is asked why (the
  // EROFS case runs in file-system.test.ts); below a writable one ENOENT stays.
  mkdirSync(join(dir, "ok"));
  assert.match(fileSystemError(errno("ENOENT", "mkdir", join(dir, "ok/a/b")), {})?.message ?? "", /no such file or directory \(ENOENT\)$/);
});
