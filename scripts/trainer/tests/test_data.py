import random
import tempfile
import unittest

import helpers

from data import TrainData, make_batch, sample_group


class DataTest(unittest.TestCase):
    def test_sampling_is_python_random_like_open_retrievals(self):
        pos, neg = [10, 11, 12], [20, 21, 22, 23, 24]
        ref = random.Random(42)
        want = (ref.choice(pos), ref.sample(neg, 3))
        self.assertEqual(sample_group(random.Random(42), pos, neg, 4), want)

    def test_too_few_negatives_are_repeated(self):
        ref = random.Random(7)
        want = (ref.choice([1]), ref.sample([5, 6] * 2, 3))  # ceil(3/2) = 2 copies
        got = sample_group(random.Random(7), [1], [5, 6], 4)
        self.assertEqual(got, want)
        self.assertEqual(sorted(set(got[1])) in ([5, 6], [5], [6]), True)

    def test_reads_files_drops_incomplete_rows_and_pads(self):
        with tempfile.TemporaryDirectory() as d:
            helpers.write_data(d, [[101, 7, 102], [101, 8, 9, 102]], [[101, 1, 102], [101, 2, 3, 102], [101, 4, 102]],
                               [(0, [0], [1, 2]), (1, [2], []), (1, [1], [0])], qlen=6, dlen=5)
            data = TrainData(d)
            self.assertEqual(len(data.rows), 2)
            self.assertEqual(data.dropped, 1)
            self.assertEqual(data.rows[1], (1, [1], [0]))
            q, qm, dd, dm = make_batch(data, [0, 1], random.Random(0), 2, 6, 5, "max_length")
            self.assertEqual(q.tolist(), [[101, 7, 102, 0, 0, 0], [101, 8, 9, 102, 0, 0]])
            self.assertEqual(qm.tolist(), [[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
            self.assertEqual(dd.shape[0], 4)  # 2 positives then 2 negatives
            self.assertEqual(dd[0].tolist(), [101, 1, 102, 0, 0])
            q2, _, _, _ = make_batch(data, [0, 1], random.Random(0), 2, 6, 5, "longest")
            self.assertEqual(q2.shape[1], 4)


if __name__ == "__main__":
    unittest.main()
