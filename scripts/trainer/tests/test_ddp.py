"""Distributed training (torchrun + DDP, gloo on CPU) equals one process with the global batch.

2 processes x batch b and 1 process x batch 2b see the same rows and the same sampled groups (every rank samples
the whole global batch with the same seeded sampler and keeps its half). Each rank's loss is the mean over its b
queries and DDP averages the gradients, so the gradient is that of the mean over the 2b queries; the only
difference is the order of float additions (the batch reductions, the all-reduce). Dropout is off (it draws per
rank), so the runs are deterministic. Tolerances (measured figures in docs/training.md):
  loss of every step       relative 1e-5 (measured ≤ 3e-6)
  weights after K=3 steps  max |Δ| ≤ 5e-5 = 5% of one step's lr (measured ≤ 1.1e-5; training moved them by 3e-2):
                           AdamW's per-element step is lr·m/(√v+ε), so where |g| is near ε = 1e-6 a reassociation
                           difference in g shows up as a small fraction of lr, not as a float-epsilon difference
A distributed run resumed from its checkpoint ends bit-identical, and a 1-process torchrun run (DDP with one
rank) equals the plain run bit for bit. The 1-process runs are shared between tests (each trainer start is
mostly importing torch: seconds idle, much more on a busy machine).
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

import helpers
import torch

from model import load_colbert, load_tensors
from safetensors_io import load_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "..", "train.py")
TORCHRUN = os.path.join(HERE, "..", "torchrun.py")
LOSS_RTOL, WEIGHT_ATOL = 1e-5, 5e-5
ACCUMULATE = ["--gradient_accumulation_steps", "2"]
COMMON = ["--learning_rate", "1e-3", "--train_group_size", "3", "--max_steps", "3", "--save_steps", "2",
          "--logging_steps", "1", "--query_max_length", "8", "--max_length", "12", "--threads", "1",
          "--padding", "longest", "--warmup_steps", "1", "--seed", "3"]


def run(model, data, out, batch, procs=0, extra=(), env=None):
    """procs = 0: plain `python train.py`; else torchrun (a local rendezvous on a free port) with that many
    processes. Time budget: helpers.budget_s of 10 s (plain) or 20 s (torchrun) idle."""
    trainer = [TRAIN, "--model_dir", model, "--data_dir", data, "--output_dir", out,
               "--per_device_train_batch_size", str(batch), *COMMON, *extra]
    launch = [sys.executable]
    if procs:
        launch += [TORCHRUN, *helpers.LOCAL_RENDEZVOUS, "--monitor_interval", "0.2", "--nproc_per_node", str(procs)]
    p = helpers.run(launch + trainer, 20 if procs else 10, env={"OMP_NUM_THREADS": "1", **(env or {})})
    events = [json.loads(ln) for ln in p.stdout.splitlines() if ln.startswith("{")]
    return p, events


def ok(case, p, events):
    case.assertEqual(p.returncode, 0, f"{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    return [e["loss"] for e in events if e["event"] == "log"]


def weights(out):
    t = dict(load_safetensors(os.path.join(out, "model.safetensors")))
    t.update({f"colbert_linear.{k}": v for k, v in load_tensors(os.path.join(out, "colbert_linear.pt")).items()})
    return t


def max_diff(a, b):
    assert sorted(a) == sorted(b)
    return max(float((a[k].double() - b[k].double()).abs().max()) for k in a)


class DistributedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bench-ddp-")
        cls.data = os.path.join(cls.tmp, "data")
        helpers.synthetic(cls.data, n_rows=16)
        cls.model = os.path.join(cls.tmp, "model")  # tiny-zh without dropout (its masks are drawn per rank)
        shutil.copytree(helpers.TINY, cls.model)
        with open(os.path.join(cls.model, "config.json")) as f:
            cfg = json.load(f)
        cfg.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        with open(os.path.join(cls.model, "config.json"), "w") as f:
            json.dump(cfg, f)
        cls.init = weights_of_init(cls.model, 3)
        cls.plain = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def out(self, name):
        return os.path.join(self.tmp, name)

    def plain_run(self, tag, extra):
        """The 1-process run with the global batch (4) into out(tag + "1"), run once per class: its losses."""
        if tag not in self.plain:
            self.plain[tag] = ok(self, *run(self.model, self.data, self.out(f"{tag}1"), 4, 0, extra))
        return self.plain[tag]

    def check_equivalent(self, tag, extra):
        one = self.plain_run(tag, extra)
        p, ev = run(self.model, self.data, self.out(f"{tag}2"), 2, 2, extra)
        two = ok(self, p, ev)
        self.assertEqual(ev[0]["processes"], 2)
        self.assertEqual(len(one), 3)
        for a, b in zip(one, two):
            self.assertAlmostEqual(a, b, delta=LOSS_RTOL * abs(a), msg=f"losses {one} vs {two}")
        w1, w2 = weights(self.out(f"{tag}1")), weights(self.out(f"{tag}2"))
        d, moved = max_diff(w1, w2), max_diff(w1, self.init)
        print(f"\n{tag}: loss rel. diff max {max(abs(a - b) / abs(a) for a, b in zip(one, two)):.2e}; "
              f"weights max |Δ| {d:.2e} (training moved them by up to {moved:.2e})", file=sys.stderr)
        self.assertLessEqual(d, WEIGHT_ATOL)
        self.assertGreater(moved, 100 * WEIGHT_ATOL)  # the comparison is not vacuous: the weights did train
        # only rank 0 writes: one log, one checkpoint, the export
        with open(os.path.join(self.out(f"{tag}2"), "train_log.jsonl")) as f:
            self.assertEqual([json.loads(ln)["step"] for ln in f], [1, 2, 3])
        return one, two

    def test_two_processes_equal_one_with_the_global_batch_and_resume(self):
        # gradient accumulation 2: DDP syncs in the last micro-batch only (no_sync before)
        extra = ACCUMULATE
        self.check_equivalent("plain", extra)
        # the 2-process run resumed from its step-2 checkpoint ends bit-identical (every rank's RNG states saved)
        a, c = self.out("plain2"), self.out("resume")
        os.makedirs(c)
        shutil.copytree(os.path.join(a, "checkpoint"), os.path.join(c, "checkpoint"))
        p, ev = run(self.model, self.data, c, 2, 2, [*extra, "--resume"])
        ok(self, p, ev)
        self.assertEqual(ev[0]["start_step"], 2)
        wa, wc = weights(a), weights(c)
        self.assertTrue(all(torch.equal(wa[k], wc[k]) for k in wa))
        # a different number of processes is a different global batch: refused
        p, ev = run(self.model, self.data, c, 4, 0, [*extra, "--resume"])
        self.assertEqual(p.returncode, 3)
        self.assertIn("processes (torchrun world size): checkpoint 2 vs now 1", ev[-1]["message"])

    def test_inbatch_negatives_gather_every_rank(self):
        one, two = self.check_equivalent("inbatch", ["--use_inbatch_negative", "true"])
        # not gathering is a different loss (fewer negatives per query): the gather is what makes them equal
        p, ev = run(self.model, self.data, self.out("inbatch-local"), 2, 2,
                    ["--use_inbatch_negative", "true", "--gather_inbatch_negatives", "false", "--max_steps", "1"])
        local = ok(self, p, ev)
        self.assertLess(local[0], one[0] * (1 - 1e-3))

    def test_one_process_under_torchrun_equals_the_plain_run(self):
        self.plain_run("plain", ACCUMULATE)  # the same run as the 2-process test's reference (shared)
        ok(self, *run(self.model, self.data, self.out("solo-ddp"), 4, 1, ACCUMULATE))
        wa, wb = weights(self.out("plain1")), weights(self.out("solo-ddp"))
        self.assertTrue(all(torch.equal(wa[k], wb[k]) for k in wa))


class ThroughputScriptTest(unittest.TestCase):
    def test_bench_ddp_gpu_smoke(self):
        """scripts/bench-ddp-gpu.sh --smoke: plain, torchrun x1 (DDP), plain on CPU; the summary line parses
        (the 5% check itself needs a GPU: docs/benchmarks.md "DDP throughput (GPU)")."""
        script = os.path.join(HERE, "..", "..", "bench-ddp-gpu.sh")
        p = helpers.run(["bash", script, "--smoke"], 30, env={"PYTHON": sys.executable})
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        lines = [json.loads(ln) for ln in p.stdout.splitlines()]
        self.assertEqual([r.get("ddp") for r in lines[:3]], [False, True, False])
        self.assertEqual(lines[1]["processes"], 1)
        self.assertTrue(lines[3]["smoke"])
        plain = (lines[0]["samples_per_s"] + lines[2]["samples_per_s"]) / 2
        self.assertAlmostEqual(lines[3]["ratio"], lines[1]["samples_per_s"] / plain)


def weights_of_init(model, seed):
    """The seeded initial weights, built in this process as train.py builds them (torch.manual_seed, then
    load_colbert): bit-identical to a 0-epoch run's export, without starting a trainer."""
    torch.manual_seed(seed)
    m, _ = load_colbert(model, -1, seed)
    t = dict(m.encoder.state_dict())
    t.update({f"colbert_linear.{k}": v for k, v in m.colbert_linear.state_dict().items()})
    return t


if __name__ == "__main__":
    unittest.main()
