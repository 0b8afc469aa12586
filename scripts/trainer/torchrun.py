"""`python -m torch.distributed.run` (torchrun), made to work on Debian's torch 1.13 under Python 3.11: there
Std.from_str("0") returns None (3.11's IntFlag iteration skips the zero member), so every launch dies in
to_map() with "'NoneType' object has no attribute 'get'". The fix parses with Std(int(v)); on a torch
without the bug nothing is patched. `bench train --nproc-per-node N` runs the trainer through this file.

  python3 torchrun.py [torchrun options] train.py [trainer options]
"""
import re
import sys

from torch.distributed.elastic.multiprocessing.api import Std


def _from_str(cls, vm):
    """Std.from_str as torch documents it: "0" → Std.NONE, "0:3,1:0" → {0: Std.ALL, 1: Std.NONE}."""
    if re.fullmatch(r"[0-3]", vm):
        return cls(int(vm))
    if re.fullmatch(r"(\d:[0-3],)*\d:[0-3]", vm):
        return {int(i): cls(int(v)) for i, v in (m.split(":") for m in vm.split(","))}
    raise ValueError(f"{vm} does not match <[0-3]> or <local_rank:[0-3],...>")


if Std.from_str("0") is None:
    Std.from_str = classmethod(_from_str)

if __name__ == "__main__":
    from torch.distributed.run import main

    sys.argv[0] = "torchrun"
    main()
