"""``torch.multiprocessing``: Python's ``multiprocessing`` plus ``spawn`` (spawn.py).  torch's version
also moves tensors through shared memory; glasstorch's tensors are NumPy arrays and are pickled."""
import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .spawn import (spawn, start_processes, ProcessContext, ProcessException, ProcessRaisedException,  # noqa: F401
                    ProcessExitedException)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies", "spawn",
           "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException"] + _mp.__all__

_strategy = ["file_descriptor"]


def set_sharing_strategy(new_strategy):
    if new_strategy not in get_all_sharing_strategies():
        raise AssertionError
    _strategy[0] = new_strategy


def get_sharing_strategy():
    return _strategy[0]


def get_all_sharing_strategies():
    return {"file_descriptor", "file_system"}
