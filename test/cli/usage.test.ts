/** Top-level usage (issue 13 item 2, issue 11 item 11): a bare bench, --help, options given twice. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { ExitCode } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { assertFreshBuild, bench, lines } from "./built-cli.js";

assertFreshBuild();

test("a bare `bench` lists the commands on stderr, exits 2 and writes nothing", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = bench(dir, []);
  assert.equal(r.code, ExitCode.Usage, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /Commands:\n(.|\n)*bench eval(.|\n)*bench demo/);
  assert.match(lines(r.stderr).at(-1)!, /^bench: usage: give a command, e\.g\. `bench eval`/);
  assert.deepEqual(readdirSync(dir), [], "no results/ or anything else written");
});

test("`bench --help` lists the commands and only global options (not eval's)", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = bench(dir, ["--help"]);
  assert.equal(r.code, 0, r.stderr);
  for (const c of ["split", "eval", "compare", "check", "train", "demo"]) assert.match(r.stdout, new RegExp(`^  bench ${c}\\b`, "m"));
  assert.doesNotMatch(r.stdout, /--model|--data|--output/);
});

test("an option given twice is a one-line usage error before any work (string, number and aliased options)", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string[], RegExp][] = [
    [["eval", "--data", "a.jsonl", "--data", "b.jsonl"], /^bench: usage: --data given 2 times \(a\.jsonl, b\.jsonl\); give it once/],
    [["eval", "--output", "x", "--output", "y"], /^bench: usage: --output given 2 times \(x, y\)/],
    [["eval", "--batch-size", "4", "--batch-size", "8"], /^bench: usage: --batch-size given 2 times \(4, 8\)/],
    [["split", "--input", "a", "--out", "o", "--out", "p"], /^bench: usage: --out given 2 times/],
    [["compare", "a", "b", "--plot", "x.svg", "--plot", "y.svg"], /^bench: usage: --plot given 2 times/],
    [
      ["train", "--data", "d", "--out", "o", "--learning_rate", "1e-5", "--learning-rate", "2e-5"],
      /^bench: usage: --learning_rate given 2 times \(0\.00001, 0\.00002\)/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = bench(dir, args);
    assert.equal(r.code, ExitCode.Usage, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.deepEqual(readdirSync(dir), [], "nothing ran: no output written");
  // Options declared as lists still take several values.
  const r = bench(dir, ["compare", "nope-a", "nope-b", "--metric", "map", "mrr"]);
  assert.doesNotMatch(r.stderr, /given 2 times/);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
});
