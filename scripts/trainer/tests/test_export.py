import os
import tempfile
import unittest

import helpers  # noqa: F401
import numpy as np

from export import finalize_export

try:
    import onnx
    from onnx import helper, numpy_helper
except ImportError:  # pragma: no cover
    onnx = None


@unittest.skipIf(onnx is None, "SKIPPED: the onnx package is not importable (apt-get install python3-onnx)")
class FinalizeExportTest(unittest.TestCase):
    def test_per_tensor_external_data_is_packed_into_one_file(self):
        # what torch writes for a > 2 GB model: model.onnx + one file per initializer
        with tempfile.TemporaryDirectory() as out:
            tmpdir = tempfile.mkdtemp(dir=out, prefix=".onnx-export-")
            w = np.arange(2048, dtype=np.float32).reshape(32, 64)
            b = np.ones(64, dtype=np.float32)
            graph = helper.make_graph(
                [helper.make_node("MatMul", ["x", "w"], ["y0"]), helper.make_node("Add", ["y0", "b"], ["y"])], "g",
                [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["n", 32])],
                [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["n", 64])],
                [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
            onnx.save_model(helper.make_model(graph), os.path.join(tmpdir, "model.onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=False, size_threshold=0)
            self.assertGreater(len(os.listdir(tmpdir)), 2)
            finalize_export(tmpdir, os.path.join(out, "model.onnx"))
            self.assertEqual(sorted(os.listdir(out)), ["model.onnx", "model.onnx_data"])
            m = onnx.load(os.path.join(out, "model.onnx"))
            got = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
            self.assertTrue(np.array_equal(got["w"], w))
            self.assertTrue(np.array_equal(got["b"], b))

    def test_a_single_file_export_is_just_renamed(self):
        with tempfile.TemporaryDirectory() as out:
            tmpdir = tempfile.mkdtemp(dir=out, prefix=".onnx-export-")
            with open(os.path.join(tmpdir, "model.onnx"), "wb") as f:
                f.write(b"graph")
            finalize_export(tmpdir, os.path.join(out, "model.onnx"))
            self.assertEqual(os.listdir(out), ["model.onnx"])


if __name__ == "__main__":
    unittest.main()
