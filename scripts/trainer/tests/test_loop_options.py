import json
import os
import shutil
import sys
import tempfile
import unittest

import helpers
import torch

from encoder import Encoder, EncoderConfig
from model import load_colbert
from safetensors_io import load_safetensors

TRAIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train.py")
SMALL = {"model_type": "bert", "vocab_size": 3100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
         "intermediate_size": 64, "max_position_embeddings": 64, "type_vocab_size": 2, "pad_token_id": 0,
         "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}


def small_model_dir(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(SMALL, f)
    shutil.copyfile(os.path.join(helpers.TINY, "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    return d


def train(model_dir, data, out, *extra):
    args = [sys.executable, TRAIN, "--model_dir", model_dir, "--data_dir", data, "--output_dir", out, "--learning_rate", "1e-3",
            "--train_group_size", "3", "--max_steps", "3", "--save_steps", "0", "--query_max_length", "8", "--max_length", "12",
            "--threads", "1", *extra]
    p = helpers.run(args, 10)
    if p.returncode != 0:
        raise AssertionError(f"trainer exited {p.returncode}: {p.stdout[-2000:]} {p.stderr[-2000:]}")
    return load_safetensors(os.path.join(out, "model.safetensors"))


class LoopOptionsTest(unittest.TestCase):
    def test_gradient_checkpointing_gives_the_same_gradients(self):
        torch.manual_seed(0)
        cfg = EncoderConfig(dict(SMALL, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1))
        enc = Encoder(cfg)
        enc.init_weights()
        enc.train()
        ids = torch.randint(5, 3000, (3, 7))
        mask = torch.ones_like(ids)
        grads = []
        for ckpt in (False, True):
            enc.gradient_checkpointing = ckpt
            enc.zero_grad()
            torch.manual_seed(1)  # same dropout masks; checkpointing replays the RNG state in backward
            enc(ids, mask).pow(2).sum().backward()
            grads.append([p.grad.clone() for p in enc.parameters() if p.grad is not None])
        for a, b in zip(*grads):
            self.assertTrue(torch.allclose(a, b, atol=1e-6, rtol=1e-5))

    def test_accumulation_matches_the_larger_batch(self):
        # without dropout, 2 micro-batches of 2 = 1 batch of 4 (same rows, same sampled groups, mean of means)
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "data")
            helpers.synthetic(data, n_rows=12)
            m = small_model_dir(os.path.join(d, "m"))
            a = train(m, data, os.path.join(d, "a"), "--per_device_train_batch_size", "4")
            b = train(m, data, os.path.join(d, "b"), "--per_device_train_batch_size", "2", "--gradient_accumulation_steps", "2")
            init, _ = load_colbert(m, seed=42)
            moved = max((a[k] - init.encoder.state_dict()[k]).abs().max().item() for k in a)
            self.assertGreater(moved, 1e-4)  # training changed the weights
            for k in a:
                self.assertTrue(torch.allclose(a[k], b[k], atol=1e-5), k)


if __name__ == "__main__":
    unittest.main()
