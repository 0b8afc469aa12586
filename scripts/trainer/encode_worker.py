"""bench's PyTorch encode worker (`bench eval --backend torch`, docs/torch-backend.md): a long-lived process that
turns padded token-id batches into ColBERT vectors with the trainer's own model code (model.py: the one model
definition used for training, ONNX export and GPU inference). Node tokenizes, batches, caches and scores.

Protocol: length-prefixed binary frames on stdin and stdout (or the FIFO named by --replies, which Node reads
faster than a child's stdout), each  b"BWF1" | u32 header bytes | u32 payload bytes |
UTF-8 JSON header | payload  (little-endian). Requests: {"op": "encode", "id", "batch", "length"} with payload
input_ids then attention_mask as int64 [batch, length]. Replies: one {"op": "ready", ...} after loading, then
per request {"op": "vectors", "id", "dims": [batch, length-1, dim], "compute_ms"} with float32 payload, or
{"op": "error", "id", "message"}. End of stdin = exit. Real stdout is kept for frames only: anything printed
(by us, torch or a C library) goes to stderr, so a stray print can never corrupt the stream.

Importable: tests run main(argv) from test/helpers/faulty_python.py with read_frame, Writer and load patched
to make the worker misbehave; this file has no test hooks of its own.
"""
import argparse
import json
import os
import queue
import signal
import struct
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MAGIC = b"BWF1"
PREFIX = struct.Struct("<4sII")
DTYPES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}


def read_exact(f, n):
    buf = f.read(n)
    if buf is None or len(buf) < n:
        return None
    return buf


def read_frame(f):
    """The next (header dict, payload bytes), or None at end of input."""
    pre = read_exact(f, PREFIX.size)
    if pre is None:
        return None
    magic, hlen, plen = PREFIX.unpack(pre)
    if magic != MAGIC:
        raise ValueError(f"request frame starts with {magic!r}, expected {MAGIC!r}")
    header = json.loads(read_exact(f, hlen).decode("utf-8"))
    payload = read_exact(f, plen) if plen else b""
    if payload is None:
        return None
    return header, payload


class Writer(threading.Thread):
    """Writes frames from a queue, so the model can run the next batch while Node is busy reading or scoring."""

    def __init__(self, out):
        super().__init__(daemon=True)
        self.out, self.q = out, queue.Queue()

    def send(self, header, payload=b""):
        self.q.put((header, payload))

    def send_later(self, make):
        """`make()` runs on this thread and returns (header, payload): a CUDA reply is finished here, so the main
        thread can queue the next batch while this one's device-to-host copy completes."""
        self.q.put((make, None))

    def run(self):
        while True:
            header, payload = self.q.get()
            if callable(header):
                header, payload = header()
            h = json.dumps(header).encode("utf-8")
            try:
                self.out.write(PREFIX.pack(MAGIC, len(h), len(payload)) + h)
                if len(payload):
                    self.out.write(payload)
                self.out.flush()
            except (BrokenPipeError, OSError):
                os._exit(0)  # Node went away: nothing left to serve
            self.q.task_done()


def error_reply(rid, e):
    """Prints the traceback to stderr and returns the error frame's header for request `rid` (None: the load)."""
    traceback.print_exc()
    return {"op": "error", "id": rid, "message": f"{type(e).__name__}: {e}"}


def cuda_reply(rid, host, start, done):
    """The deferred reply of one CUDA batch: wait for its copy into pinned memory, then frame it."""

    def make():
        try:
            done.synchronize()  # releases the GIL; a CUDA error of this batch surfaces here
            data = memoryview(host.numpy()).cast("B")
            return {"op": "vectors", "id": rid, "dims": list(host.shape), "compute_ms": round(start.elapsed_time(done), 3)}, data
        except Exception as e:  # noqa: BLE001
            return error_reply(rid, e), b""

    return make


def protocol_out(replies):
    """The reply stream: the FIFO Node created (--replies), else a private handle on the real stdout. Either
    way fd 1 becomes a copy of stderr, so nothing else can write into the stream."""
    fd = os.open(replies, os.O_WRONLY) if replies else os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        import fcntl

        fcntl.fcntl(fd, 1031, 1 << 20)  # F_SETPIPE_SZ: fewer, larger pipe writes for MB-sized replies
    except (ImportError, OSError):
        pass
    return os.fdopen(fd, "wb", buffering=1 << 20)


def resolve_device(torch, device, dtype):
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device cuda: this torch ({torch.__version__}) sees no CUDA device")
    if dtype == "auto":
        dtype = "fp16" if device == "cuda" else "fp32"
    return device, dtype


def load(model_dir, device, dtype):
    """The trainer's ColBERT from `model_dir`, in eval mode on `device` in `dtype`. Weights must exist: a
    random head or encoder would silently evaluate noise."""
    import torch
    from model import ignored_line, load_colbert, weights_file

    wfile = weights_file(model_dir)  # only whether they exist: load_colbert reads them (once)
    if wfile is None:
        raise ValueError(f"{model_dir}: no model.safetensors or pytorch_model.bin (the torch backend needs trained weights)")
    if not os.path.exists(os.path.join(model_dir, "colbert_linear.pt")):
        raise ValueError(f"{model_dir}: no colbert_linear.pt (the ColBERT head); the torch backend will not use a random head")
    model, info = load_colbert(model_dir)
    info["ignored_line"] = ignored_line(info["ignored_weights"], os.path.basename(wfile))  # Node logs it
    model.eval()
    if device == "cuda" and dtype == "fp32":
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32: TF32 would cost ~1e-3 of accuracy
        torch.backends.cudnn.allow_tf32 = False
    model.to(device=device, dtype=getattr(torch, DTYPES[dtype]))
    for p in model.parameters():
        p.requires_grad_(False)
    n_params = sum(p.numel() for p in model.parameters())
    # One small forward now: CUDA context / kernel set-up happens during the load, not under the first batch's
    # timeout, and a dtype the device cannot run (fp16 on an old CPU torch) fails here with its own message.
    with torch.inference_mode():
        ids = torch.tensor([[0, 5, 6, 2], [0, 7, 2, 1]], device=device)
        try:
            model.encode(ids.clamp(max=model.encoder.config.vocab_size - 1), (ids != 1).long())
        except RuntimeError as e:
            raise ValueError(f"the model does not run on {device} in {dtype}: {e}") from e
    return model, info, n_params, wfile


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--model_dir", required=True)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--dtype", default="auto", choices=["auto", "fp32", "bf16", "fp16"])
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--replies", default=None, help="FIFO to write reply frames to (default: stdout)")
    a = ap.parse_args(argv)
    # Ctrl-C reaches the whole process group: leave quietly, Node reports the interruption.
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    out = protocol_out(a.replies)
    writer = Writer(out)
    writer.start()
    inp = sys.stdin.buffer
    try:
        import torch

        if a.threads > 0:
            torch.set_num_threads(a.threads)
        device, dtype = resolve_device(torch, a.device, a.dtype)
        t0 = time.time()
        model, info, n_params, wfile = load(a.model_dir, device, dtype)
    except Exception as e:  # noqa: BLE001 - every load failure becomes an error frame Node can report
        writer.send(error_reply(None, e))
        writer.q.join()
        return 1
    # CUDA: ids go up from pinned memory and vectors come back into pinned memory asynchronously, and the writer
    # thread waits for each copy, so the GPU runs batch k+1 while batch k is copied and written.
    # BENCH_WORKER_SYNC=1 turns this off (one synchronous .cpu() per batch, as on the CPU).
    async_copy = device == "cuda" and os.environ.get("BENCH_WORKER_SYNC", "") != "1"
    writer.send({
        "op": "ready", "async_copy": async_copy, "pid": os.getpid(), "torch": torch.__version__, "device": device, "dtype": dtype,
        "device_name": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
        "dim": info["colbert_dim"], "n_parameters": n_params, "weights": os.path.basename(wfile),
        "model_type": info["model_type"], "load_s": round(time.time() - t0, 3),
        "ignored_weights": info["ignored_line"],
        "sdpa": bool(getattr(__import__("encoder").Attention, "use_sdpa", False)),
    })
    while True:
        frame = read_frame(inp)
        if frame is None:
            break
        header, payload = frame
        if header.get("op") != "encode":
            writer.send({"op": "error", "id": header.get("id"), "message": f"unknown op {header.get('op')!r}"})
            continue
        rid, b, length = header["id"], int(header["batch"]), int(header["length"])
        try:
            if len(payload) != 16 * b * length:
                raise ValueError(f"payload has {len(payload)} bytes; batch {b} x length {length} needs {16 * b * length}")
            t1 = time.time()
            cpu_ids = torch.frombuffer(bytearray(payload), dtype=torch.int64).view(2, b, length)
            with torch.inference_mode():
                if async_copy:
                    start, done = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                    ids = cpu_ids.pin_memory().to(device, non_blocking=True)
                    start.record()
                    v = model.encode(ids[0], ids[1]).float()
                    host = torch.empty(v.shape, dtype=torch.float32, pin_memory=True)
                    host.copy_(v, non_blocking=True)
                    done.record()
                    writer.send_later(cuda_reply(rid, host, start, done))
                    continue
                ids = cpu_ids.to(device)
                v = model.encode(ids[0], ids[1]).float().cpu().contiguous()
            data = memoryview(v.numpy()).cast("B")  # no copy; the writer thread sends it
            writer.send({"op": "vectors", "id": rid, "dims": list(v.shape), "compute_ms": round((time.time() - t1) * 1000, 3)}, data)
        except Exception as e:  # noqa: BLE001
            writer.send(error_reply(rid, e))
    writer.q.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
