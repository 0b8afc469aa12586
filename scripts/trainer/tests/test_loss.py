import math
import unittest

import helpers  # noqa: F401
import torch

from loss import colbert_loss, late_interaction


class LossTest(unittest.TestCase):
    # one query with 2 token vectors; documents with 2 token vectors each (the second of neg2 is a pad: zeros)
    q = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    pos = torch.tensor([[[0.6, 0.8], [1.0, 0.0]]])
    neg = torch.tensor([[[0.0, 1.0], [-1.0, 0.0]], [[-0.6, -0.8], [0.0, 0.0]]])

    def test_maxsim_by_hand(self):
        # pos: q1 max(0.6, 1.0)=1.0, q2 max(0.8, 0)=0.8 → 1.8
        # neg1: q1 max(0, -1)=0, q2 max(1, 0)=1 → 1.0; neg2: q1 max(-0.6, 0)=0 (pad floors), q2 max(-0.8, 0)=0 → 0
        self.assertTrue(torch.allclose(late_interaction(self.q, self.pos, False), torch.tensor([[1.8]])))
        self.assertTrue(torch.allclose(late_interaction(self.q, self.neg, False), torch.tensor([[1.0, 0.0]])))

    def test_loss_by_hand(self):
        loss, scores = colbert_loss(self.q, self.pos, self.neg, temperature=0.02)
        s = [1.8 / 0.02, 1.0 / 0.02, 0.0]
        want = -(s[0] - math.log(sum(math.exp(x - s[0]) for x in s)) - s[0])
        self.assertTrue(torch.allclose(scores, torch.tensor([s])))
        self.assertAlmostEqual(loss.item(), want, places=5)

    def test_divide_by_query_length(self):
        q_mask = torch.tensor([[1, 1, 1]])  # CLS + 2 tokens → length 2
        loss, scores = colbert_loss(self.q, self.pos, self.neg, 1.0, q_mask=q_mask, divide_by_query_length=True)
        self.assertTrue(torch.allclose(scores, torch.tensor([[0.9, 0.5, 0.0]])))
        want = -math.log(math.exp(0.9) / (math.exp(0.9) + math.exp(0.5) + 1.0))
        self.assertAlmostEqual(loss.item(), want, places=6)

    def test_inbatch_negatives(self):
        q = torch.cat([self.q, torch.tensor([[[0.0, 1.0], [0.0, 0.0]]])])  # B=2
        pos = torch.cat([self.pos, torch.tensor([[[0.0, 1.0], [0.0, 0.0]]])])
        loss, scores = colbert_loss(q, pos, None, temperature=1.0, inbatch=True)
        # scores[b, c] = MaxSim(q_b, pos_c): q0·pos0=1.8, q0·pos1=0+1=1.0, q1·pos0=0.8+0=0.8, q1·pos1=1.0
        self.assertTrue(torch.allclose(scores, torch.tensor([[1.8, 1.0], [0.8, 1.0]])))
        want = 0.5 * (-math.log(math.exp(1.8) / (math.exp(1.8) + math.exp(1.0)))
                      - math.log(math.exp(1.0) / (math.exp(0.8) + math.exp(1.0))))
        self.assertAlmostEqual(loss.item(), want, places=6)


if __name__ == "__main__":
    unittest.main()
