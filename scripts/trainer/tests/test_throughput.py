import json
import os
import sys
import unittest

import helpers

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "throughput.py")


class ThroughputTest(unittest.TestCase):
    def test_tiny_run_reports_anchor_fields(self):
        p = helpers.run([sys.executable, SCRIPT, "--config", "tiny", "--precision", "fp32", "--batch", "2", "--qlen", "12",
                         "--dlen", "16", "--steps", "2", "--warmup", "1", "--device", "cpu", "--attention", "manual"], 10)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)
        self.assertEqual((r["batch"], r["attn"], r["precision"], r["padded_tokens_per_step"]), (2, "manual", "fp32", 2 * 12 + 2 * 4 * 16))
        self.assertGreater(r["samples_per_s"], 0)
        # 2 layers x (4 h^2 + 2 h ffn) weights + biases + LayerNorms, plus the 64x64 head: the anchor's FLOP basis
        h, f = 64, 128
        layer = 4 * (h * h + h) + (h * f + f) + (f * h + h) + 2 * 2 * h
        self.assertEqual(r["params_nonembed"], 2 * layer + h * h + h)


if __name__ == "__main__":
    unittest.main()
