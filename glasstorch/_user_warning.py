"""Warnings that point at the user's line, as torch's C++ warnings do, however many glasstorch frames
(wrappers, methods calling functions) lie in between."""
import os
import sys
import warnings

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep


_SKIPPED_CODE = {}


def skipped_by_warnings(code):
    """``code`` under a file name that CPython's warnings machinery steps over when it counts a stacklevel
    (it skips frames whose file name holds both "importlib" and "_bootstrap", its import system's).  For
    glasstorch's wrappers that torch has no frame for (the ``__torch_function__`` checks, a layer's
    ``__init__`` taking ``device=``): a ``stacklevel=2`` warning below one names the line torch's names, and
    the default filter, which remembers that line, shows one per line as torch's does."""
    if code not in _SKIPPED_CODE:
        _SKIPPED_CODE[code] = code.replace(co_filename=code.co_filename + " (importlib._bootstrap-like wrapper)")
    return _SKIPPED_CODE[code]


def skipped(frame):
    """Whether ``warnings.warn`` steps over ``frame`` without counting it (see ``skipped_by_warnings``)."""
    name = frame.f_code.co_filename
    return "importlib" in name and "_bootstrap" in name


def warn_at_caller(message, category=UserWarning):
    level, frame = 2, sys._getframe(1)     # stacklevel 2 is the frame that called warn_at_caller
    while frame is not None and frame.f_code.co_filename.startswith(_PKG):
        frame = frame.f_back
        level += frame is None or not skipped(frame)      # (a wrapper frame is not counted)
    warnings.warn(message, category, stacklevel=level)


WARNED = set()      # the keys of the warnings given once per process


def warn_once(key, message, category=UserWarning):
    """torch's TORCH_WARN_ONCE: the first call in the process warns (at the user's line), later ones not."""
    if key not in WARNED:
        WARNED.add(key)
        warn_at_caller(message, category)

