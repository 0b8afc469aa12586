/**
 * `bench eval` against the fake hub, as a user runs it: --onnx-file picks one of several graphs; the hub's
 * failures are one line on stderr with their documented exit code (docs/hub.md): 3 bad input, 5 network,
 * 2 a malformed HF_ENDPOINT.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SAMPLE } from "../data/fixtures.js";
import { cliArgv, type CliRun } from "../helpers/cli.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";
import { type ServedFile, useFakeHub } from "./server.js";

const C = "a".repeat(40);
const graph = tinyBgeM3Onnx(3);
const files: ServedFile[] = [
  ...["onnx/model_fp16.onnx", "onnx/model_quantized.onnx"].map((filename) => ({
    repoType: "model" as const,
    repoId: "org/multi",
    commit: C,
    filename,
    content: graph,
    lfs: true,
  })),
  {
    repoType: "model",
    repoId: "org/multi",
    commit: C,
    filename: "onnx/tokenizer.json",
    content: Buffer.from(JSON.stringify(unigramTokenizerJson(TINY_UNIGRAM_PIECES))),
  },
];
const fake = useFakeHub(files);
const dir = mkdtempSync(join(tmpdir(), "bench-hub-cli-"));
writeFileSync(join(dir, "d.jsonl"), SAMPLE.map((r) => JSON.stringify(r)).join("\n") + "\n");

/** Runs bench asynchronously (the fake hub lives in this process, so a blocking spawnSync would starve it). */
function bench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, cliArgv(args), { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => ok({ code, stdout, stderr }));
  });
}
const eval_ = (model: string, ...more: string[]): string[] => [
  "eval",
  "--model",
  model,
  "--data",
  "d.jsonl",
  "--output",
  "out",
  "--no-cache",
  ...more,
];
const oneLine = (r: CliRun): void =>
  assert.equal(
    r.stderr
      .trim()
      .split("\n")
      .filter((l) => !/^(hub|eval|bench): .*(downloaded|progress)/.test(l)).length,
    1,
    r.stderr,
  );

test("--onnx-file picks the graph; several graphs without it: exit 3, one line suggesting --onnx-file", async () => {
  const ok = await bench(eval_("org/multi", "--onnx-file", "onnx/model_quantized.onnx"));
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await bench(eval_("org/multi"));
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /has several ONNX graphs .*pick one with --onnx-file PATH/);
  oneLine(bad);
});

test("hub unreachable: exit 5 (network), one line; HF_ENDPOINT not a URL: exit 2, one line", async () => {
  const port = await new Promise<number>((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
  const down = await bench(eval_("org/other"), { HF_ENDPOINT: `http://127.0.0.1:${port}` });
  assert.equal(down.code, 5, down.stderr);
  assert.match(
    down.stderr,
    /hub: cannot reach http:\/\/127\.0\.0\.1:\d+ for model org\/other revision main \(file listing\): ECONNREFUSED/,
  );
  oneLine(down);
  const url = await bench(eval_("org/other"), { HF_ENDPOINT: "hf-mirror.com" });
  assert.equal(url.code, 2, url.stderr);
  assert.match(url.stderr, /hub: HF_ENDPOINT must be an http\(s\) URL/);
  oneLine(url);
  assert.ok(fake.hub.hubRequests.length > 0);
});
