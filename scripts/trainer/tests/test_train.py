import json
import os
import shutil
import sys
import tempfile
import unittest

import helpers
import torch

TRAIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train.py")


def run(data, out, *extra):
    args = [sys.executable, TRAIN, "--model_dir", helpers.TINY, "--data_dir", data, "--output_dir", out,
            "--learning_rate", "1e-3", "--per_device_train_batch_size", "4", "--train_group_size", "3",
            "--max_steps", "6", "--save_steps", "3", "--logging_steps", "1", "--query_max_length", "8",
            "--max_length", "12", "--threads", "1", *extra]
    p = helpers.run(args, 10)
    if p.returncode != 0:
        raise AssertionError(f"trainer exited {p.returncode}: {p.stdout[-2000:]} {p.stderr[-2000:]}")
    return [json.loads(ln) for ln in p.stdout.splitlines()]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class TrainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # one seeded 6-step run, shared by the tests (each trainer start is mostly importing torch)
        cls.tmp = tempfile.mkdtemp(prefix="bench-train-")
        cls.data = os.path.join(cls.tmp, "data")
        helpers.synthetic(cls.data, n_rows=12)
        cls.a = os.path.join(cls.tmp, "a")
        cls.ev_a = run(cls.data, cls.a)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_seeded_runs_and_resume_are_bit_identical(self):
        with tempfile.TemporaryDirectory() as d:
            data, a, ev_a = self.data, self.a, self.ev_a
            b, c = (os.path.join(d, x) for x in "bc")
            run(data, b)
            self.assertEqual(read(os.path.join(a, "model.safetensors")), read(os.path.join(b, "model.safetensors")))
            la, lb = (torch.load(os.path.join(x, "colbert_linear.pt")) for x in (a, b))
            self.assertTrue(all(torch.equal(la[k], lb[k]) for k in ("weight", "bias")))
            # a's checkpoint is from step 3 (none is written at the end): resuming it must redo steps 4-6 exactly
            os.makedirs(c)
            shutil.copytree(os.path.join(a, "checkpoint"), os.path.join(c, "checkpoint"))
            with open(os.path.join(c, "train_log.jsonl"), "w") as f:
                f.write(read(os.path.join(a, "train_log.jsonl")).decode())
            ev_c = run(data, c, "--resume")
            self.assertEqual(ev_c[0]["start_step"], 3)
            self.assertEqual(read(os.path.join(a, "model.safetensors")), read(os.path.join(c, "model.safetensors")))
            log_c = [json.loads(ln) for ln in read(os.path.join(c, "train_log.jsonl")).decode().splitlines()]
            self.assertEqual([r["step"] for r in log_c], [1, 2, 3, 4, 5, 6])
            self.assertEqual([e["loss"] for e in ev_a if e["event"] == "log"], [r["loss"] for r in log_c])
            for name in ("config.json", "model.onnx", "bench_model.json", "tokenizer.json", "manifest.json"):
                self.assertTrue(os.path.exists(os.path.join(a, name)), name)
            with open(os.path.join(a, "bench_model.json")) as f:
                bm = json.load(f)
            got = (bm["output"], bm["output_layout"], bm["normalized"], bm["dim"])
            self.assertEqual(got, ("colbert_vecs", "tokens_without_cls", True, 128))

    def test_resume_refuses_other_hyperparameters(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copytree(os.path.join(self.a, "checkpoint"), os.path.join(d, "a", "checkpoint"))
            with self.assertRaisesRegex(AssertionError, "learning_rate: checkpoint 0.001 vs now 0.002"):
                run(self.data, os.path.join(d, "a"), "--resume", "--learning_rate", "2e-3")


if __name__ == "__main__":
    unittest.main()
