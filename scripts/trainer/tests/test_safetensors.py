import json
import os
import struct
import tempfile
import unittest

import helpers  # noqa: F401  (puts the trainer on sys.path)
import torch

from safetensors_io import SafetensorsError, load_safetensors, save_safetensors


class SafetensorsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.safetensors")

    def tearDown(self):
        self.dir.cleanup()

    def test_round_trip_every_dtype(self):
        t = {
            "a.f32": torch.tensor([[1.5, -2.0], [3.25, 1e-30]], dtype=torch.float32),
            "b.f16": torch.tensor([0.5, -65504.0, 1e-4], dtype=torch.float16),
            "c.bf16": torch.tensor([1.0, -3.140625, 1e38], dtype=torch.bfloat16),
            "d.i64": torch.tensor([0, -1, 2**40], dtype=torch.int64),
            "e.scalar": torch.tensor(7.0),
        }
        save_safetensors(t, self.path)
        back = load_safetensors(self.path)
        self.assertEqual(sorted(back), sorted(t))
        for k in t:
            self.assertEqual(back[k].dtype, t[k].dtype, k)
            self.assertEqual(tuple(back[k].shape), tuple(t[k].shape), k)
            self.assertTrue(torch.equal(back[k], t[k]), k)

    def test_layout_is_the_documented_one(self):
        save_safetensors({"x": torch.tensor([1.0, 2.0])}, self.path)
        with open(self.path, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        self.assertEqual(n % 8, 0)
        header = json.loads(raw[8 : 8 + n])
        self.assertEqual(header["x"], {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})
        self.assertEqual(header["__metadata__"], {"format": "pt"})
        self.assertEqual(raw[8 + n :], struct.pack("<2f", 1.0, 2.0))

    def test_reads_a_hand_built_file(self):
        header = json.dumps({
            "w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
            "i": {"dtype": "I64", "shape": [1], "data_offsets": [4, 12]},
            "b": {"dtype": "BF16", "shape": [1], "data_offsets": [12, 14]},
        }).encode()
        body = struct.pack("<e", 1.5) + struct.pack("<e", -0.25) + struct.pack("<q", -5) + bytes([0x80, 0x3F])
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + body)
        t = load_safetensors(self.path)
        self.assertEqual(t["w"].tolist(), [1.5, -0.25])
        self.assertEqual(t["i"].tolist(), [-5])
        self.assertEqual(t["b"].float().tolist(), [1.0])  # 0x3F80 is bfloat16 1.0

    def test_rejects_bad_files(self):
        header = json.dumps({"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}).encode()
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + b"\0")
        with self.assertRaisesRegex(SafetensorsError, "unsupported dtype 'F8_E4M3'"):
            load_safetensors(self.path)
        header = json.dumps({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + b"\0" * 8)
        with self.assertRaisesRegex(SafetensorsError, "do not fit shape"):
            load_safetensors(self.path)
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", 1000) + b"{}")
        with self.assertRaisesRegex(SafetensorsError, "exceeds the file size"):
            load_safetensors(self.path)


if __name__ == "__main__":
    unittest.main()
