import math
import unittest

import helpers  # noqa: F401

from schedule import lr_multiplier, warmup_steps_for


class ScheduleTest(unittest.TestCase):
    def test_warmup_steps_round_up_like_hf(self):
        self.assertEqual(warmup_steps_for(100, 0.05), 5)
        self.assertEqual(warmup_steps_for(101, 0.05), 6)  # ceil(5.05)
        self.assertEqual(warmup_steps_for(100, 0.05, warmup_steps=3), 3)
        self.assertEqual(warmup_steps_for(100, 0.0), 0)

    def test_linear(self):
        # warmup 4 of 20: 0, 1/4, 2/4, 3/4, then (20 - s) / 16
        got = [lr_multiplier(s, 4, 20, "linear") for s in (0, 1, 3, 4, 5, 12, 19, 20, 25)]
        self.assertEqual(got, [0.0, 0.25, 0.75, 1.0, 15 / 16, 0.5, 1 / 16, 0.0, 0.0])

    def test_cosine(self):
        self.assertEqual(lr_multiplier(2, 4, 20, "cosine"), 0.5)
        self.assertEqual(lr_multiplier(4, 4, 20, "cosine"), 1.0)
        self.assertAlmostEqual(lr_multiplier(12, 4, 20, "cosine"), 0.5, places=15)
        self.assertEqual(lr_multiplier(8, 4, 20, "cosine"), 0.5 * (1 + math.cos(math.pi * 0.25)))
        self.assertAlmostEqual(lr_multiplier(20, 4, 20, "cosine"), 0.0, places=15)

    def test_constant_and_unknown(self):
        self.assertEqual(lr_multiplier(1, 2, 10, "constant"), 0.5)
        self.assertEqual(lr_multiplier(7, 2, 10, "constant"), 1.0)
        with self.assertRaisesRegex(ValueError, "unknown lr_scheduler_type 'poly'"):
            lr_multiplier(5, 2, 10, "poly")


if __name__ == "__main__":
    unittest.main()
