#!/usr/bin/python3
"""A Python for tests that makes bench's PyTorch encode worker misbehave (docs/torch-backend.md, "Faults in tests").

Give it as the worker's Python (the `python` option, --python or $BENCH_PYTHON). `faulty_python.py
.../encode_worker.py ARGS` imports the worker script, patches it as $BENCH_TEST_WORKER_FAULT says and runs its
main(ARGS) in this process (so the pid the worker reports is this one); anything else (the `-c` probe that finds
a Python with torch) runs /usr/bin/python3 unchanged.

BENCH_TEST_WORKER_FAULT: "KIND" or "KIND:N" misbehaves on encode request N (0-based, default 0): exit (exit code
3), hang (sleep forever), garbage (write non-frame bytes, then the reply), short (a reply whose payload is 4 bytes
shorter than its dims), error (raise inside the model call). Unset or empty: the worker as it is.
BENCH_TEST_WORKER_FAULT_NOTE=FILE: exit, hang and garbage write their stderr line into FILE too, once it is on
stderr, so a test can act the moment the fault has begun instead of after a guessed delay.
"""
import importlib.util
import os
import sys
import time

REAL_PYTHON = "/usr/bin/python3"
FAULT_ENV = "BENCH_TEST_WORKER_FAULT"
NOTE_ENV = "BENCH_TEST_WORKER_FAULT_NOTE"
KINDS = ("exit", "hang", "garbage", "short", "error")


def parse_fault(spec):
    """("kind", request index) from "KIND" or "KIND:N"; a typo ends the worker naming the variable."""
    kind, _, n = spec.partition(":")
    if kind not in KINDS or not (n or "0").isdigit():
        sys.exit(f"faulty_python.py: {FAULT_ENV}={spec!r}: expected KIND or KIND:N with KIND one of {', '.join(KINDS)}")
    return kind, int(n or 0)


def announce(line):
    """The fault's stderr line, then the same line in $BENCH_TEST_WORKER_FAULT_NOTE for a waiting test."""
    print(line, file=sys.stderr, flush=True)
    note = os.environ.get(NOTE_ENV)
    if note:
        with open(note, "w", encoding="utf-8") as f:
            f.write(line + "\n")


def import_worker(path):
    spec = importlib.util.spec_from_file_location("encode_worker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inject(worker, kind, at):
    """Patches the worker module: read_frame counts encode requests and starts the fault on request `at`;
    Writer is remembered (exit and garbage need its queue and stream) and shortens the faulted reply; load
    wraps the model's encode so it can raise."""
    state = {"n": 0, "writer": None, "short_id": None, "raise_next": False}

    def misbehave(rid):
        writer = state["writer"]
        if kind == "exit":
            announce(f"fault injection: exiting on request {rid}")
            writer.q.join()
            os._exit(3)
        if kind == "hang":
            announce(f"fault injection: hanging on request {rid}")
            while True:
                time.sleep(3600)
        if kind == "garbage":
            writer.q.join()
            announce(f"fault injection: writing garbage for request {rid}")
            writer.out.write(b"Traceback? not a frame\n" * 4)
            writer.out.flush()
        if kind == "short":
            state["short_id"] = rid
        if kind == "error":
            state["raise_next"] = True

    read_frame = worker.read_frame

    def faulty_read_frame(f):
        frame = read_frame(f)
        if frame is not None and frame[0].get("op") == "encode":
            if state["n"] == at:
                misbehave(frame[0].get("id"))
            state["n"] += 1
        return frame

    def shorten(header, payload):
        if header.get("op") == "vectors" and header.get("id") == state["short_id"]:
            return header, payload[:-4]
        return header, payload

    class FaultyWriter(worker.Writer):
        def __init__(self, out):
            super().__init__(out)
            state["writer"] = self

        def send(self, header, payload=b""):
            super().send(*shorten(header, payload))

        def send_later(self, make):
            super().send_later(lambda: shorten(*make()))

    load = worker.load

    def faulty_load(*args):
        model, *rest = load(*args)  # its warm-up forward runs unpatched
        encode = model.encode

        def faulty_encode(*a, **kw):
            if state["raise_next"]:
                state["raise_next"] = False
                raise RuntimeError("fault injection: error inside the model call")
            return encode(*a, **kw)

        model.encode = faulty_encode
        return (model, *rest)

    worker.read_frame = faulty_read_frame
    worker.Writer = FaultyWriter
    worker.load = faulty_load


def main(argv):
    if len(argv) < 2 or os.path.basename(argv[1]) != "encode_worker.py":
        os.execv(REAL_PYTHON, [REAL_PYTHON, *argv[1:]])
    worker = import_worker(argv[1])
    spec = os.environ.get(FAULT_ENV, "")
    if spec:
        inject(worker, *parse_fault(spec))
    sys.argv = argv[1:]  # as `python encode_worker.py ARGS` would see it
    return worker.main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
