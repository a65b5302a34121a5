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


_LAYER_INIT_WRAPPER = os.path.join(_PKG, "nn", "modules", "_factory.py")


def warn_past_init_wrappers(message, category=UserWarning, stacklevel=2):
    """``warnings.warn(message, category, stacklevel=stacklevel)`` from the caller, not counting the frames of
    the wrapper nn/modules/_factory.py puts around a layer's ``__init__`` (torch's layers have none).  The
    frame a warning names is also where the default filter remembers it: counted through the wrapper, LSTM's,
    GRU's and RNN's dropout warnings all named one line of it and showed once between them, where torch
    names each class's own ``super().__init__`` line and shows each."""
    frame, level = sys._getframe(1), 2
    for _ in range(stacklevel - 1):
        frame, level = frame.f_back, level + 1
        while frame is not None and frame.f_code.co_filename == _LAYER_INIT_WRAPPER and \
                frame.f_code.co_name == "__init__":
            frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
