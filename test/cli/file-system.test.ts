/**
 * The environment refusing a file operation is one stderr line naming the path and cause, exit 5 (issue 11 item
 * 11): a cache directory that is a file, a full disk, a read-only file system, a missing TMPDIR, a directory where
 * the plot goes. Also: devices as data and raw control bytes in input files (items 10, 15).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson, writeModelDir } from "../../scripts/lib/onnx-builder.js";
import { startFakeHub } from "../hub/server.js";
import { assertFreshBuild, bench, benchAsync, benchBin, lines } from "./built-cli.js";

assertFreshBuild();

/** A tiny ColBERT model directory (ONNX + tokenizer), so eval uses the vector cache. */
function tinyModel(dir: string): string {
  const model = tinyBgeM3Onnx(9);
  return writeModelDir(join(dir, "m3"), model, unigramTokenizerJson(TINY_UNIGRAM_PIECES));
}

function assertOneLine(r: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(lines(r.stderr).length, 1, `one stderr line expected:\n${r.stderr}`);
  assert.match(lines(r.stderr)[0]!, message);
}

test("BENCH_CACHE_DIR pointing at a file, or below one: exit 5 naming the path and the variable", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  tinyModel(dir);
  writeFileSync(join(dir, "a-file"), "not a directory");
  assertOneLine(
    bench(dir, ["eval", "--model", "m3", "--output", "r"], { BENCH_CACHE_DIR: join(dir, "a-file") }),
    ExitCode.FileSystem,
    /^bench: file system: cannot mkdir .*a-file: something else already exists there \(EEXIST\) \(under \$BENCH_CACHE_DIR=.*a-file; point it at a writable directory\)$/,
  );
  assertOneLine(
    bench(dir, ["eval", "--model", "m3", "--output", "r"], { BENCH_CACHE_DIR: join(dir, "a-file/cache") }),
    ExitCode.FileSystem,
    /^bench: file system: cannot mkdir .*a-file\/cache: a component of the path is a file, not a directory \(ENOTDIR\) \(under \$BENCH_CACHE_DIR/,
  );
  assert.ok(!readdirSync(dir).includes("r"), "no results written");
});

test("an HF cache that is a file (HF_HUB_CACHE, HF_HOME): exit 5 naming the path and the variable", async (t) => {
  const dir = tempDir();
  const hub = await startFakeHub([
    {
      repoType: "dataset",
      repoId: "C-MTEB/T2Reranking",
      commit: "76631901a18387f85eaa53e5450019b87ad58ef9",
      filename: "data/dev-00000-of-00001-65d96bde8023d9b9.parquet",
      content: new Uint8Array([1, 2, 3]),
      lfs: true,
    },
  ]);
  t.after(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, "a-file"), "not a directory");
  for (const variable of ["HF_HUB_CACHE", "HF_HOME"]) {
    const r = await benchAsync(dir, ["split", "--task", "T2Reranking", "--out", "s"], {
      HF_ENDPOINT: hub.endpoint,
      HF_HUB_OFFLINE: "",
      HF_HUB_CACHE: "",
      HF_HOME: "",
      [variable]: join(dir, "a-file"),
    });
    assertOneLine(r, ExitCode.FileSystem, new RegExp(`^bench: file system: cannot mkdir .*a-file.*\\(under \\$${variable}=`));
  }
});

test("demo with a TMPDIR that does not exist: exit 5 naming TMPDIR", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assertOneLine(
    bench(dir, ["demo"], { TMPDIR: join(dir, "gone") }),
    ExitCode.FileSystem,
    /^bench: file system: cannot mkdtemp .*gone\/bench-demo-XXXXXX: no such file or directory \(ENOENT\) \(under \$TMPDIR=/,
  );
});

test("compare --plot naming a directory: a usage error (exit 2), one line, before any output", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(bench(dir, ["eval", "--output", "r"]).code, 0);
  mkdirSync(join(dir, "plot.svg"));
  const result = "r/bm25/no_revision_available/ZhSampleReranking.json";
  const r = bench(dir, ["compare", result, result, "--plot", "plot.svg"]);
  assertOneLine(r, ExitCode.Usage, /^bench: compare: --plot plot\.svg is a directory; give a file name ending in \.svg$/);
  assert.equal(r.stdout, "", "refused before the table is printed");
});

test("--data /dev/zero and a data file with raw control bytes: one escaped line, exit 3", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assertOneLine(
    bench(dir, ["eval", "--data", "/dev/zero"]),
    ExitCode.Input,
    /^bench: data: \/dev\/zero is a character device, not a regular file/,
  );
  // A malformed line that V8's JSON error quotes back: a terminal title escape, a bell, clear-screen, a C1 CSI.
  writeFileSync(join(dir, "evil.jsonl"), `{"query": "q", "positive": ["a"], "negative": ["b"]}\n\x1b]0;pwned\x07\x1b[2J\u009b31m\n`);
  const r = bench(dir, ["eval", "--data", "evil.jsonl"]);
  assertOneLine(r, ExitCode.Input, /^bench: data: .*evil\.jsonl line 2: malformed JSON/);
  assert.doesNotMatch(r.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, "no raw control character reaches the terminal");
  assert.match(r.stderr, /\\x1b/);
});

/** Runs `script` as root of a private user + mount namespace (a tmpfs there is invisible outside); null if impossible. */
function inNamespace(script: string, env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } | null {
  const probe = spawnSync("unshare", ["-rm", "true"]);
  if (probe.status !== 0) return null;
  const r = spawnSync("unshare", ["-rm", "sh", "-c", script], { env: { ...process.env, NO_COLOR: "1", ...env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("a full disk (ENOSPC) and a read-only file system (EROFS) under the cache and --output: exit 5, one line", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  tinyModel(dir);
  mkdirSync(join(dir, "mnt"));
  const node = `"${process.execPath}" "${benchBin}"`;
  const sh = [
    `cd "${dir}" && mount -t tmpfs -o size=16k tmpfs mnt && head -c 12000 /dev/zero > mnt/fill || exit 99`,
    `BENCH_CACHE_DIR="${dir}/mnt" ${node} eval --model m3 --output r 2>err1; echo "$?" > code1`,
    `mount -o remount,ro mnt || exit 99`,
    `BENCH_CACHE_DIR="${dir}/mnt/c" ${node} eval --model m3 --output r 2>err2; echo "$?" > code2`,
    `cat code1 err1 code2 err2`,
  ].join("\n");
  const r = inNamespace(sh, {});
  if (r === null || r.code === 99) {
    t.skip("SKIPPED: cannot mount a tmpfs in a user namespace here (unshare -rm); ENOSPC/EROFS are covered by errors.test.ts only");
    return;
  }
  const [code1, err1, code2, err2] = lines(r.stdout);
  assert.equal(Number(code1), ExitCode.FileSystem, r.stdout);
  assert.match(
    err1!,
    /^bench: file system: cannot write .*mnt\/file-hashes\.json: no space left on the device \(ENOSPC\) \(under \$BENCH_CACHE_DIR=/,
  );
  assert.equal(Number(code2), ExitCode.FileSystem, r.stdout);
  assert.match(err2!, /^bench: file system: cannot mkdir .*mnt\/c: read-only file system \(EROFS\) \(under \$BENCH_CACHE_DIR=/);
});

/** Every file under `dir` (relative path → bytes as hex), for a byte-for-byte comparison of a whole tree. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name)).toString("hex"));
  }
  return out;
}

test("a full or read-only disk under eval --output and split --out: exit 5, one line naming the path, the previous set byte-identical", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Outside `dir`: it must be unmounted before it is removed. 256 KiB: a result set fits, the filler then takes the rest.
  const disk = mkdtempSync(join(tmpdir(), "bench-out-disk-"));
  const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", disk], { encoding: "utf8" });
  if (m.status !== 0) {
    rmSync(disk, { recursive: true, force: true });
    t.skip(`SKIPPED: cannot mount a small tmpfs to fill (${(m.stderr || m.error?.message || "").trim()}); needs root with CAP_SYS_ADMIN`);
    return;
  }
  t.after(() => {
    spawnSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  const env = { BENCH_CACHE_DIR: join(dir, "cache") };
  writeFileSync(
    join(dir, "in.jsonl"),
    ["q1", "q2", "q3", "q4"].map((q) => JSON.stringify({ query: q, positive: ["p"], negative: ["n"] })).join("\n"),
  );
  const evalArgs = ["eval", "--output", join(disk, "r")];
  const splitArgs = ["split", "--input", "in.jsonl", "--out", join(disk, "s")];
  assert.equal(bench(dir, evalArgs, env).code, 0);
  assert.equal(bench(dir, splitArgs, env).code, 0);
  const before = snapshot(disk);
  assert.equal(before.size, 7, [...before.keys()].join(", "));

  try {
    writeFileSync(join(disk, "fill"), new Uint8Array(256 * 1024)); // fails part-way: the disk is then full
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, "ENOSPC");
  }
  const results = "r/bm25/no_revision_available";
  const cases: Array<[string[], RegExp]> = [
    [
      evalArgs,
      new RegExp(
        `^bench: results: could not write the result set \\(4 files, none kept\\): cannot (write|open) .*/${results}/ZhSampleReranking\\.json: no space left on the device \\(ENOSPC\\)$`,
      ),
    ],
    [
      splitArgs,
      /^bench: split: cannot write to --out .*\/s: cannot (write|open) .*\/s\/train\.jsonl: no space left on the device \(ENOSPC\)$/,
    ],
  ];
  const check = (args: string[], re: RegExp): void => {
    const r = bench(dir, args, env);
    assert.equal(r.code, ExitCode.FileSystem, r.stderr);
    const errors = lines(r.stderr).filter((l) => l.startsWith("bench:"));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, re);
    assert.equal(lines(r.stderr).at(-1), errors[0], "the error is the last line");
    const after = snapshot(disk);
    after.delete("fill");
    assert.deepEqual(after, before, `${args[0]}: the previous files are byte-identical and nothing else is left`);
  };
  for (const [args, re] of cases) check(args, re);

  rmSync(join(disk, "fill"));
  const ro = spawnSync("mount", ["-o", "remount,ro", disk], { encoding: "utf8" });
  assert.equal(ro.status, 0, ro.stderr);
  check(
    evalArgs,
    new RegExp(
      `^bench: results: could not write the result set \\(4 files, none kept\\): cannot open .*/${results}/ZhSampleReranking\\.json: read-only file system \\(EROFS\\)$`,
    ),
  );
  check(splitArgs, /^bench: split: cannot write to --out .*\/s: cannot open .*\/s\/train\.jsonl: read-only file system \(EROFS\)$/);
});
