"""``torch.multiprocessing``: Python's ``multiprocessing`` plus ``spawn`` (spawn.py).  torch's version
also moves tensors through shared memory, and so does glasstorch's once this module or
``share_memory_`` has been used (``glasstorch/_shared_memory.py``)."""
import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .spawn import (spawn, start_processes, ProcessContext, ProcessException, ProcessRaisedException,  # noqa: F401
                    ProcessExitedException)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies", "spawn",
           "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException"] + _mp.__all__

_strategy = ["file_descriptor"]

# tensors sent to another process travel through shared memory, as torch's (see _shared_memory.py)
from .._shared_memory import init_reductions  # noqa: E402
init_reductions()


def set_sharing_strategy(new_strategy):
    if new_strategy not in get_all_sharing_strategies():
        raise AssertionError
    _strategy[0] = new_strategy


def get_sharing_strategy():
    return _strategy[0]


def get_all_sharing_strategies():
    return {"file_descriptor", "file_system"}
