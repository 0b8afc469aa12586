"""Write-then-rename for every file the trainer writes (weights, checkpoints, logs, JSON): a crash or a kill never
leaves a half-written file in place, and readers see either the old file or the new one."""

import json
import os

import torch


def atomic_write(path, write, mode="wb"):
    """Calls write(f) on a temp file beside `path`, fsyncs it, renames it over `path`; on any error the temp file goes."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_json_atomic(path, obj):
    """Indented UTF-8 JSON (non-ASCII kept) with a trailing newline, written atomically."""
    atomic_write(path, lambda f: f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n"), mode="w")


def atomic_torch_save(obj, path, legacy=False):
    """torch.save, written atomically. legacy=True (checkpoints: the large writes) uses the non-zip format, which
    writes through Python's file object, so a full disk is an OSError (one line from bench) — the zip writer's C++
    destructor turned it into SIGABRT with a C++ trace. torch.load reads both; files other tools read (the
    exported colbert_linear.pt) keep the zip format."""
    kwargs = {"_use_new_zipfile_serialization": False} if legacy else {}
    atomic_write(path, lambda f: torch.save(obj, f, **kwargs))
