"""Published checkpoint layouts (issue 10 item 3): BAAI/bge-m3 (pytorch_model.bin without prefix, pooler,
colbert_linear.pt, sparse_linear.pt) and hfl/chinese-roberta-wwm-ext (bert. prefix, pooler, MLM and NSP heads,
model.safetensors preferred over pytorch_model.bin); the unused heads are ignored and logged, a missing encoder
key is an error naming it, and a hostile pickle is refused."""
import contextlib
import io
import json
import os
import pickle
import tempfile
import unittest

import helpers  # noqa: F401  (puts scripts/trainer on sys.path)
import torch

from encoder import Encoder, EncoderConfig
from model import _RestrictedPickle, load_colbert, load_tensors
from safetensors_io import save_safetensors
from published_layouts import XLMR, write_bge_m3, write_chinese_roberta


class _Boom:
    """Unpickling this calls os.makedirs(marker): proof of code execution, harmlessly."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


def restricted_load(path):
    """What torch.load(path, pickle_module=_RestrictedPickle) does on torch < 1.13 (1.13's torch.load ignores
    pickle_module unless weights_only): torch's zip loader with our unpickler."""
    from torch.serialization import _load, _open_zipfile_reader

    with open(path, "rb") as f, _open_zipfile_reader(f) as z:
        return _load(z, "cpu", _RestrictedPickle)


class PublishedLayoutTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def load(self, d, **kw):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            m, info = load_colbert(d, **kw)
        return m, info, err.getvalue()

    def test_bge_m3_layout(self):
        d = os.path.join(self.d, "bge-m3")
        enc, lin = write_bge_m3(d)
        m, info, log = self.load(d)
        self.assertTrue(info["encoder_weights"].endswith("pytorch_model.bin"))
        self.assertEqual(info["ignored_weights"], ["pooler.dense.bias", "pooler.dense.weight"])
        self.assertEqual(log.count("\n"), 1)
        self.assertIn("ignored 2 weights of heads ColBERT does not use: pooler.dense.bias, pooler.dense.weight", log)
        self.assertEqual(info["colbert_dim"], lin["weight"].shape[0])
        for k, v in enc.items():
            if not k.startswith("pooler."):
                self.assertTrue(torch.equal(m.encoder.state_dict()[k], v), k)
        self.assertTrue(torch.equal(m.colbert_linear.weight, lin["weight"]))

    def test_chinese_roberta_layout_prefers_safetensors(self):
        d = os.path.join(self.d, "roberta")
        write_chinese_roberta(d)
        # make the .bin differ: if it were read, the weights would not match the safetensors file
        st = torch.load(os.path.join(d, "pytorch_model.bin"))
        st["bert.embeddings.LayerNorm.bias"] = st["bert.embeddings.LayerNorm.bias"] + 1
        torch.save(st, os.path.join(d, "pytorch_model.bin"))
        m, info, log = self.load(d)
        self.assertTrue(info["encoder_weights"].endswith("model.safetensors"))
        self.assertTrue(info["colbert_linear"].startswith("xavier"))  # no head published: training starts one
        ign = info["ignored_weights"]
        for k in ("cls.predictions.bias", "cls.predictions.decoder.weight", "cls.predictions.transform.dense.weight",
                  "cls.predictions.transform.LayerNorm.bias", "cls.seq_relationship.weight", "cls.seq_relationship.bias",
                  "pooler.dense.weight"):
            self.assertIn(k, ign)
        self.assertIn(f"ignored {len(ign)} weights of heads ColBERT does not use", log)
        self.assertFalse(torch.equal(m.encoder.embeddings.LayerNorm.bias, st["bert.embeddings.LayerNorm.bias"]))

    def test_lm_head_is_ignored(self):
        enc = Encoder(EncoderConfig(XLMR))
        enc.init_weights()
        state = {"roberta." + k: v for k, v in enc.state_dict().items()}
        state["lm_head.dense.weight"] = torch.zeros(16, 16)
        state["lm_head.bias"] = torch.zeros(50)
        d = os.path.join(self.d, "xlmr-mlm")
        os.makedirs(d)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(XLMR, f)
        save_safetensors(state, os.path.join(d, "model.safetensors"))
        _, info, _ = self.load(d)
        self.assertEqual(info["ignored_weights"], ["lm_head.bias", "lm_head.dense.weight", "pooler.dense.bias", "pooler.dense.weight"])

    def test_missing_encoder_key_is_named(self):
        d = os.path.join(self.d, "bge-m3")
        write_bge_m3(d, drop="encoder.layer.0.attention.self.key.weight")
        missing = r"pytorch_model.bin: weights do not match .* missing \['encoder.layer.0.attention.self.key.weight'\]"
        with self.assertRaisesRegex(ValueError, missing):
            self.load(d)

    def test_hostile_pickle_is_refused(self):
        p = os.path.join(self.d, "evil.bin")
        marker = os.path.join(self.d, "code-ran")
        torch.save({"w": torch.zeros(2), "x": _Boom(marker)}, p)
        with self.assertRaisesRegex(ValueError, "evil.bin: not a loadable state dict"):
            load_tensors(p)
        self.assertFalse(os.path.exists(marker))
        # the allow-list unpickler used where torch.load has no weights_only: refuses the same file, loads a real one
        with self.assertRaisesRegex(pickle.UnpicklingError, "refusing to load os.makedirs|refusing to load posix.makedirs"):
            restricted_load(p)
        self.assertFalse(os.path.exists(marker))
        ok = os.path.join(self.d, "ok.bin")
        src = {"weight": torch.randn(3, 2), "bias": torch.randn(3).half()}
        torch.save(src, ok)
        got = restricted_load(ok)
        self.assertEqual(sorted(got), ["bias", "weight"])
        self.assertTrue(torch.equal(got["weight"], src["weight"]) and torch.equal(got["bias"], src["bias"]))

    def test_non_state_dict_is_refused(self):
        p = os.path.join(self.d, "list.pt")
        torch.save([torch.zeros(1)], p)
        with self.assertRaisesRegex(ValueError, "list.pt: expected a state dict"):
            load_tensors(p)


if __name__ == "__main__":
    unittest.main()
