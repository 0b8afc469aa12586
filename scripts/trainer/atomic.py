"""Write-then-rename for every file the trainer writes (weights, checkpoints, logs, JSON): a crash or a kill never
leaves a half-written file in place, and readers see either the old file or the new one."""

import os


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
