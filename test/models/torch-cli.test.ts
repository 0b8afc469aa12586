/**
 * `bench eval --backend torch` end to end: the same metrics as `--backend onnx` on a model the trainer's code made
 * and exported, the torch settings recorded in the result file, and Ctrl-C ending the worker with bench.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePythonJson } from "../../src/compare/python-json.js";
import { cliArgv, runCli } from "../helpers/cli.js";
import { torchSkipReason } from "../train/helpers.js";
import { makeTorchModel } from "../helpers/torch-model.js";
import { budgetMs } from "../helpers/budget.js";
import { FAULTY_PYTHON, faultStarted, workerFault } from "../helpers/faulty-python.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-torch-cli-"));
test.after(() => rmSync(work, { recursive: true, force: true }));
const bench = (cwd: string, args: string[]) => runCli(cwd, args, { BENCH_PYTHON: "/usr/bin/python3" });

const ROWS = [
  {
    query: "北京快递怎么办",
    positive: ["北京快递怎么办的回答是这样", "快递到了北京"],
    negative: ["我想看天气的回答", "学生在学习", "天气很好"],
  },
  { query: "学生在学习", positive: ["学生在学习数学"], negative: ["北京快递", "我想看天气的回答", "今天上海下雨了"] },
  { query: "今天天气", positive: ["今天天气很好", "天气预报说今天下雨"], negative: ["学生在学习", "北京快递怎么办的回答是这样"] },
];

function setup(): string {
  makeTorchModel(join(work, "m"), { kind: "xlm-roberta", colbertDim: 16, onnx: true, seed: 5 });
  writeFileSync(join(work, "test.jsonl"), `${ROWS.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return work;
}

type Result = { scores: { test: { map: number; mrr: number; main_score: number }[] } };
const result = (dir: string): Result =>
  parsePythonJson(readFileSync(join(work, dir, "m/no_revision_available/CustomReranking.json"), "utf8")) as Result;

test("bench eval --backend torch --device cpu gives --backend onnx's metrics and records the torch settings", (t) => {
  if (skip) return t.skip(skip);
  setup();
  const onnx = bench(work, ["eval", "--data", "test.jsonl", "--model", "m", "--output", "r-onnx", "--no-cache"]);
  assert.equal(onnx.code, 0, onnx.stderr);
  const torch = bench(work, [
    "eval",
    "--data",
    "test.jsonl",
    "--model",
    "m",
    "--output",
    "r-torch",
    "--no-cache",
    "--backend",
    "torch",
    "--device",
    "cpu",
    "--batch-size",
    "2",
  ]);
  assert.equal(torch.code, 0, torch.stderr);
  assert.match(torch.stderr, /eval: torch worker pid \d+: cpu fp32, torch /);
  const a = result("r-onnx").scores.test[0];
  const b = result("r-torch").scores.test[0];
  t.diagnostic(`map onnx ${a.map} torch ${b.map}; mrr onnx ${a.mrr} torch ${b.mrr}`);
  assert.equal(b.map, a.map);
  assert.equal(b.mrr, a.mrr);
  const meta = JSON.parse(readFileSync(join(work, "r-torch/m/no_revision_available/model_meta.json"), "utf8")) as { framework: string[] };
  assert.deepEqual(meta.framework, ["PyTorch"]);
  const bad = bench(work, ["eval", "--data", "test.jsonl", "--model", "m", "--backend", "torch", "--device", "cpu", "--dtype", "fp16"]);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(
    bad.stderr,
    /bench: encode: torch worker .* failed while loading the model: ValueError: the model does not run on cpu in fp16/,
  );
});

test("Ctrl-C during bench eval --backend torch ends bench and its worker", async (t) => {
  if (skip) return t.skip(skip);
  if (!existsSync(join(work, "m"))) setup();
  // The worker hangs on its first document batch, and SIGINT is sent once it does: the run is surely in progress.
  const hanging = join(work, "hang-started");
  const child = spawn(
    process.execPath,
    cliArgv(["eval", "--data", "test.jsonl", "--model", "m", "--output", "r-int", "--backend", "torch", "--device", "cpu"]),
    {
      cwd: work,
      env: { ...process.env, BENCH_PYTHON: FAULTY_PYTHON, ...workerFault("hang:1", hanging) },
    },
  );
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.on("close", (code, signal) => ok({ code, signal })),
  );
  const pid = await new Promise<number>((ok, fail) => {
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      const m = /torch worker pid (\d+)/.exec(stderr);
      if (m) ok(Number(m[1]));
    });
    child.on("close", () => fail(new Error(`bench ended before its worker started:\n${stderr}`)));
  });
  try {
    await Promise.race([faultStarted(hanging, 1), exited]);
  } finally {
    child.kill("SIGINT");
  }
  const end = await exited;
  assert.ok(end.signal === "SIGINT" || end.code === 130, `bench ended with ${JSON.stringify(end)}:\n${stderr}`);
  let alive = true;
  const until = Date.now() + budgetMs(0.5); // bench ends its worker before it exits: gone at once when idle
  while (alive && Date.now() < until) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, `worker ${pid} still running after bench was interrupted`);
});
