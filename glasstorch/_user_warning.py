"""Warnings that point at the user's line, as torch's C++ warnings do, however many glasstorch frames
(wrappers, methods calling functions) lie in between."""
import os
import sys
import warnings

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_at_caller(message, category=UserWarning):
    level, frame = 2, sys._getframe(1)     # stacklevel 2 is the frame that called warn_at_caller
    while frame is not None and frame.f_code.co_filename.startswith(_PKG):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


WARNED = set()      # the keys of the warnings given once per process


def warn_once(key, message, category=UserWarning):
    """torch's TORCH_WARN_ONCE: the first call in the process warns (at the user's line), later ones not."""
    if key not in WARNED:
        WARNED.add(key)
        warn_at_caller(message, category)
