/** The error → message mapping of src/errors.ts that src/cli.ts applies to everything that reaches the top level. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchError, ExitCode, fileSystemError, outputWriteError, printable } from "../../src/errors.js";
import { writeFilesAtomic } from "../../src/util/atomic-write.js";
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

/** What `f` throws (it must throw). */
function thrown(f: () => void): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  assert.fail("expected a throw");
}

test("outputWriteError: a disk that refuses an output set is exit 5 naming the path; a path that cannot hold it stays exit 3", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A real ENOSPC from the kernel: /dev/full refuses every write (write(2) errors carry no path).
  const full = thrown(() => writeFileSync("/dev/full", "x"));
  assert.equal((full as NodeJS.ErrnoException).code, "ENOSPC");
  const e1 = outputWriteError("results: could not write the result set (4 files, none kept)", full);
  assert.equal(e1.exitCode, ExitCode.FileSystem);
  assert.equal(
    e1.message,
    "results: could not write the result set (4 files, none kept): cannot write: no space left on the device (ENOSPC)",
  );
  // Through writeFilesAtomic the error names the target (not the hidden temp), and the previous set is kept.
  writeFileSync(join(dir, "a.json"), "old a");
  for (const code of ["ENOSPC", "EDQUOT", "EROFS", "EIO"]) {
    const err = thrown(() =>
      writeFilesAtomic(
        [
          { path: join(dir, "a.json"), data: "new a" },
          { path: join(dir, "b.json"), data: "new b" },
        ],
        {
          rename: (from) => {
            throw Object.assign(new Error(`${code}: injected, rename '${from}'`), { code, syscall: "rename", path: from });
          },
        },
      ),
    );
    const e = outputWriteError(`split: cannot write to --out ${dir}`, err);
    assert.equal(e.exitCode, ExitCode.FileSystem, code);
    assert.match(e.message, new RegExp(`^split: cannot write to --out .*: cannot rename .*/a\\.json: .* \\(${code}\\)$`));
    assert.deepEqual(readdirSync(dir), ["a.json"]);
    assert.equal(readFileSync(join(dir, "a.json"), "utf8"), "old a");
  }
  // A rollback note stays in the message.
  const noted = Object.assign(
    new Error("ENOSPC: no space left on device, write; could not restore /r/x.json (previous contents kept in /r/.x.bak)"),
    {
      code: "ENOSPC",
      syscall: "write",
      path: "/r/x.json",
    },
  );
  assert.equal(
    outputWriteError("results: could not write", noted).message,
    "results: could not write: cannot write /r/x.json: no space left on the device (ENOSPC); could not restore /r/x.json (previous contents kept in /r/.x.bak)",
  );
  // The output path itself is wrong (a file where the folder goes, a folder where a file goes): bad input, exit 3,
  // Node's message as before.
  writeFileSync(join(dir, "afile"), "x");
  const notDir = thrown(() => writeFilesAtomic([{ path: join(dir, "afile/sub/x.json"), data: "x" }]));
  const e2 = outputWriteError("split: cannot write to --out X", notDir);
  assert.ok(e2 instanceof BenchError);
  assert.equal(e2.exitCode, ExitCode.Input);
  assert.match(e2.message, /^split: cannot write to --out X: ENOTDIR: /);
  assert.equal(outputWriteError("ctx", new Error("plain")).message, "ctx: plain");
  assert.equal(outputWriteError("ctx", new Error("plain")).exitCode, ExitCode.Input);
});
