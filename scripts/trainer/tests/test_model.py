import json
import os
import tempfile
import unittest

import helpers  # noqa: F401 (puts scripts/trainer on sys.path)
import torch
import torch.nn.functional as F

from encoder import Attention, Encoder, EncoderConfig, roberta_position_ids
from model import load_colbert, save_model_dir
from safetensors_io import load_safetensors, save_safetensors

BERT = {"model_type": "bert", "vocab_size": 50, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
        "intermediate_size": 32, "max_position_embeddings": 40, "type_vocab_size": 2, "pad_token_id": 0,
        "hidden_act": "gelu", "layer_norm_eps": 1e-12}
XLMR = dict(BERT, model_type="xlm-roberta", type_vocab_size=1, pad_token_id=1)

LAYER0 = [
    "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias",
    "encoder.layer.0.attention.self.key.weight", "encoder.layer.0.attention.self.key.bias",
    "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.self.value.bias",
    "encoder.layer.0.attention.output.dense.weight", "encoder.layer.0.attention.output.dense.bias",
    "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.0.attention.output.LayerNorm.bias",
    "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.intermediate.dense.bias",
    "encoder.layer.0.output.dense.weight", "encoder.layer.0.output.dense.bias",
    "encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.bias",
]
EMB = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
       "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]


def write_model(d, cfg, state=None, name="model.safetensors"):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f)
    if state is not None:
        if name.endswith(".bin"):
            torch.save(state, os.path.join(d, name))
        else:
            save_safetensors(state, os.path.join(d, name))


class ModelTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_hf_parameter_names(self):
        enc = Encoder(EncoderConfig(BERT))
        self.assertEqual(sorted(enc.state_dict()), sorted(EMB + LAYER0 + ["pooler.dense.weight", "pooler.dense.bias"]))
        self.assertEqual(sorted(Encoder(EncoderConfig(XLMR), with_pooler=False).state_dict()), sorted(EMB + LAYER0))

    def test_loads_prefixed_checkpoints_and_round_trips(self):
        torch.manual_seed(3)
        src = Encoder(EncoderConfig(XLMR))
        src.init_weights()
        state = {"roberta." + k: v.to(torch.float16) for k, v in src.state_dict().items()}
        state["roberta.embeddings.position_ids"] = torch.arange(40)[None]  # old persistent buffer: ignored
        write_model(os.path.join(self.d, "a"), XLMR, state, "pytorch_model.bin")
        m, info = load_colbert(os.path.join(self.d, "a"), colbert_dim=8)
        self.assertTrue(info["encoder_weights"].endswith("pytorch_model.bin"))
        self.assertEqual(m.colbert_linear.out_features, 8)
        self.assertEqual(info["ignored_weights"], ["pooler.dense.bias", "pooler.dense.weight"])
        for k, v in src.state_dict().items():
            if not k.startswith("pooler."):  # ColBERT never uses the pooler: ignored on load
                self.assertTrue(torch.equal(m.encoder.state_dict()[k], v.to(torch.float16).float()), k)
        save_model_dir(m, os.path.join(self.d, "b"))
        m2, info2 = load_colbert(os.path.join(self.d, "b"))
        self.assertTrue(info2["colbert_linear"].endswith("colbert_linear.pt"))
        ids = torch.tensor([[0, 5, 6, 2, 1]])
        mask = torch.tensor([[1, 1, 1, 1, 0]])
        m.eval(), m2.eval()
        self.assertTrue(torch.equal(m.encode(ids, mask), m2.encode(ids, mask)))
        st = load_safetensors(os.path.join(self.d, "b", "model.safetensors"))
        self.assertIn("encoder.layer.0.attention.self.query.weight", st)

    def test_missing_and_unexpected_keys_are_listed(self):
        enc = Encoder(EncoderConfig(BERT))
        state = {"bert." + k: v for k, v in enc.state_dict().items() if k != "encoder.layer.0.output.dense.bias"}
        state["cls.predictions.bias"] = torch.zeros(50)  # an unused head: ignored, not "unexpected"
        state["bert.encoder.layer.0.adapter.weight"] = torch.zeros(2)
        write_model(self.d, BERT, state)
        with self.assertRaises(ValueError) as cm:
            load_colbert(self.d)
        msg = str(cm.exception)
        self.assertIn("missing ['encoder.layer.0.output.dense.bias']", msg)
        self.assertIn("unexpected ['encoder.layer.0.adapter.weight']", msg)

    def test_wrong_shape_is_an_error(self):
        enc = Encoder(EncoderConfig(dict(BERT, vocab_size=51)))
        write_model(self.d, BERT, enc.state_dict())
        with self.assertRaisesRegex(ValueError, "embeddings.word_embeddings.weight has shape \\[51, 16\\]"):
            load_colbert(self.d)

    def test_roberta_position_ids(self):
        # HF create_position_ids_from_input_ids, padding_idx 1: real tokens count from 2, pads stay 1
        ids = torch.tensor([[0, 31, 7, 2, 1, 1], [0, 2, 1, 1, 1, 1]])
        self.assertEqual(roberta_position_ids(ids, 1).tolist(), [[2, 3, 4, 5, 1, 1], [2, 3, 1, 1, 1, 1]])

    def test_gelu_is_exact_erf(self):
        # the FFN applies F.gelu with its default (erf), HF's "gelu"; the tanh approximation differs by ~1e-4
        x = torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64)
        erf = x * 0.5 * (1.0 + torch.erf(x / 2 ** 0.5))
        tanh = 0.5 * x * (1 + torch.tanh((2 / torch.pi) ** 0.5 * (x + 0.044715 * x ** 3)))
        self.assertLess((F.gelu(x) - erf).abs().max().item(), 1e-15)
        self.assertGreater((F.gelu(x) - tanh).abs().max().item(), 1e-5)

    def test_colbert_output_layout(self):
        write_model(self.d, BERT)
        m, info = load_colbert(self.d, seed=1)
        self.assertTrue(info["encoder_weights"].startswith("random"))
        self.assertEqual(m.colbert_linear.out_features, 16)  # colbert_dim -1 → hidden size
        m.eval()
        e = m.encode(torch.tensor([[3, 5, 6, 4, 0]]), torch.tensor([[1, 1, 1, 1, 0]]))
        self.assertEqual(tuple(e.shape), (1, 4, 16))  # CLS dropped
        self.assertTrue(torch.allclose(e[0, :3].norm(dim=-1), torch.ones(3)))
        self.assertTrue(torch.equal(e[0, 3], torch.zeros(16)))  # the pad is a zero vector
        m2, _ = load_colbert(self.d, seed=1)
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(m.state_dict().values(), m2.state_dict().values())))

    @unittest.skipUnless(hasattr(F, "scaled_dot_product_attention"), "SKIPPED: torch < 2.0 has no scaled_dot_product_attention")
    def test_sdpa_matches_manual_attention(self):
        write_model(self.d, XLMR)
        m, _ = load_colbert(self.d)
        m.eval()
        ids = torch.tensor([[0, 5, 6, 2, 1], [0, 9, 2, 1, 1]])
        mask = (ids != 1).long()
        prev = Attention.use_sdpa
        try:
            Attention.use_sdpa = True
            a = m.encode(ids, mask)
            Attention.use_sdpa = False
            b = m.encode(ids, mask)
        finally:
            Attention.use_sdpa = prev
        self.assertLess((a - b).abs().max().item(), 1e-5)


if __name__ == "__main__":
    unittest.main()
