"""Imported first by a process that ``multiprocessing`` starts under ``glasstorch run`` (spawn or
forkserver): from then on ``import torch`` gives glasstorch there too (``_shim._children_too``)."""
from ._shim import install_as_torch

install_as_torch()
