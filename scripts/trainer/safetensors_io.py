"""Reads and writes the safetensors format without the `safetensors` package (not in Debian's apt).

Format (huggingface/safetensors docs): 8-byte little-endian u64 header length N, then N bytes of JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the raw little-endian
tensor bytes, offsets relative to the end of the header.
"""
import json
import struct

import numpy as np
import torch

from atomic import atomic_write

# dtype name -> (numpy dtype used to read the bytes, torch dtype of the result)
_READ = {
    "F32": (np.dtype("<f4"), torch.float32),
    "F16": (np.dtype("<f2"), torch.float16),
    "BF16": (np.dtype("<i2"), torch.bfloat16),  # numpy has no bfloat16: read the bits, reinterpret in torch
    "F64": (np.dtype("<f8"), torch.float64),
    "I64": (np.dtype("<i8"), torch.int64),
    "I32": (np.dtype("<i4"), torch.int32),
    "I16": (np.dtype("<i2"), torch.int16),
    "I8": (np.dtype("i1"), torch.int8),
    "U8": (np.dtype("u1"), torch.uint8),
    "BOOL": (np.dtype("?"), torch.bool),
}
_WRITE = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


class SafetensorsError(ValueError):
    """A malformed or unsupported safetensors file; the message names the file and the problem."""


def load_safetensors(path):
    """Returns {name: tensor} (CPU) for every tensor in the file, in header order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise SafetensorsError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise SafetensorsError(f"{path}: header length {n} exceeds the file size {len(data)}")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: header is not JSON ({e})") from None
    body = memoryview(data)[8 + n :]
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = meta.get("dtype")
        if dtype not in _READ:
            raise SafetensorsError(f"{path}: tensor {name}: unsupported dtype {dtype!r} (supported: {', '.join(_READ)})")
        np_dtype, torch_dtype = _READ[dtype]
        begin, end = meta["data_offsets"]
        shape = [int(d) for d in meta["shape"]]
        count = int(np.prod(shape)) if shape else 1
        if end - begin != count * np_dtype.itemsize or end > len(body):
            raise SafetensorsError(f"{path}: tensor {name}: data_offsets {begin}..{end} do not fit shape {shape} {dtype}")
        # astype to native byte order also copies, so the tensor owns writable memory
        arr = np.frombuffer(body[begin:end], dtype=np_dtype, count=count).astype(np_dtype.newbyteorder("="))
        t = torch.from_numpy(arr.reshape(shape))
        if torch_dtype == torch.bfloat16:
            t = t.view(torch.bfloat16)
        out[name] = t
    return out


def save_safetensors(tensors, path, metadata=None):
    """Writes {name: tensor} to `path` atomically (temp file + rename), keys sorted like the reference writer."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu").contiguous()
        if t.dtype not in _WRITE:
            raise SafetensorsError(f"{path}: tensor {name}: cannot write dtype {t.dtype}")
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            a = t.numpy()
            raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _WRITE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt", **(metadata or {})}
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)  # the reference writer pads the header to 8-byte alignment

    def write(f):
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for c in chunks:
            f.write(c)

    atomic_write(path, write)
