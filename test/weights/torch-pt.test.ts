/**
 * The `.pt` reader against files written by real `torch.save` (fp32, fp16, bf16, a 2-D slice view), and the
 * refusals: a pickle calling `os.system`, a truncated or bit-flipped archive, a non-contiguous tensor, a file that
 * is not a zip, a storage that does not fit its tensor.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchError } from "../../src/errors.js";
import { readTorchStateDict } from "../../src/weights/torch-pt.js";
import { torchSkipReason } from "../train/helpers.js";
import { TORCH_PYTHON } from "../helpers/torch-model.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-torch-pt-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Runs a Python snippet with torch; `W` is the work directory. */
function py(code: string): string {
  const r = spawnSync(
    TORCH_PYTHON,
    ["-c", `import torch, torch.nn as nn, json, os, pickle, zipfile, io\nW = ${JSON.stringify(work)}\n${code}`],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`python failed:\n${r.stderr}`);
  return r.stdout;
}

/** The same tensors as Python sees them after torch.load (as float32 lists). */
function torchLoad(file: string): Record<string, { shape: number[]; data: number[] }> {
  return JSON.parse(
    py(
      `sd = torch.load(${JSON.stringify(file)})\nprint(json.dumps({k: {"shape": list(v.shape), "data": v.float().flatten().tolist()} for k, v in sd.items()}))`,
    ),
  );
}

function refuses(file: string, pattern: RegExp): void {
  assert.throws(
    () => readTorchStateDict(file),
    (err: unknown) => err instanceof BenchError && err.exitCode === 3 && err.message.includes(file) && pattern.test(err.message),
  );
}

test("reads nn.Linear state dicts written by torch.save in fp32, fp16 and bf16, bit-exact with torch.load", (t) => {
  if (skip) return t.skip(skip);
  py(`torch.manual_seed(0)
lin = nn.Linear(8, 6)
torch.save(lin.state_dict(), os.path.join(W, "f32.pt"))
torch.save({k: v.half() for k, v in lin.state_dict().items()}, os.path.join(W, "f16.pt"))
torch.save({k: v.bfloat16() for k, v in lin.state_dict().items()}, os.path.join(W, "bf16.pt"))
big = torch.randn(10, 12)
torch.save({"view": big[2:5], "emb": nn.Embedding(300, 4).weight.data}, os.path.join(W, "views.pt"))`);
  for (const f of ["f32.pt", "f16.pt", "bf16.pt", "views.pt"]) {
    const file = join(work, f);
    const got = readTorchStateDict(file);
    const want = torchLoad(file);
    assert.deepEqual([...got.keys()], Object.keys(want), f);
    for (const [k, v] of got) {
      assert.deepEqual(v.shape, want[k].shape, `${f} ${k}`);
      assert.deepEqual([...v.data], want[k].data, `${f} ${k}`);
    }
  }
  assert.deepEqual(readTorchStateDict(join(work, "f32.pt")).get("weight")?.shape, [6, 8]);
});

test("a pickle with an os.system GLOBAL is refused at that global, and nothing runs", (t) => {
  if (skip) return t.skip(skip);
  const marker = join(work, "pwned");
  py(`class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + ${JSON.stringify(marker)},))
torch.save({"weight": Evil()}, os.path.join(W, "evil.pt"))
# a hand-made archive too: the same pickle inside torch's zip layout
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pickle.dumps(Evil(), protocol=2))
    z.writestr("archive/version", "3\\n")
open(os.path.join(W, "evil2.pt"), "wb").write(buf.getvalue())`);
  refuses(join(work, "evil.pt"), /GLOBAL (posix|os)\.system .*not allowed/);
  refuses(join(work, "evil2.pt"), /GLOBAL (posix|os)\.system .*not allowed/);
  assert.equal(existsSync(marker), false);
});

test("damaged archives and tensors the reader does not support are clear input errors", (t) => {
  if (skip) return t.skip(skip);
  py(`torch.manual_seed(1)
torch.save(nn.Linear(16, 4).state_dict(), os.path.join(W, "ok.pt"))
torch.save({"t": torch.randn(4, 6).t()}, os.path.join(W, "transposed.pt"))
torch.save({"n": torch.arange(6)}, os.path.join(W, "ints.pt"))
torch.save({"weight": [1.0, 2.0]}, os.path.join(W, "list.pt"))`);
  const ok = readFileSync(join(work, "ok.pt"));
  writeFileSync(join(work, "truncated.pt"), ok.subarray(0, ok.length - 100));
  refuses(join(work, "truncated.pt"), /not a zip archive|truncated/);
  writeFileSync(join(work, "half.pt"), ok.subarray(0, Math.floor(ok.length / 2)));
  refuses(join(work, "half.pt"), /not a zip archive/);
  // Flip one bit inside the weight storage: the CRC-32 catches it.
  const flipped = Buffer.from(ok);
  const at = flipped.indexOf(Buffer.from("archive/data/0")) + 200;
  flipped[at] ^= 1;
  writeFileSync(join(work, "flipped.pt"), flipped);
  refuses(join(work, "flipped.pt"), /CRC-32 mismatch|damaged/);
  writeFileSync(join(work, "text.pt"), "weight,bias\n1,2\n");
  refuses(join(work, "text.pt"), /not a zip archive/);
  refuses(join(work, "transposed.pt"), /not contiguous/);
  refuses(join(work, "ints.pt"), /GLOBAL torch.LongStorage .*not allowed/);
  refuses(join(work, "list.pt"), /opcode 0x5d EMPTY_LIST|opcode 0x5d/);
  refuses(work, /not a regular file/);
});
