"""Anomaly detection: remember where each node was created, and check gradients for NaN."""
import os
import warnings

import numpy as np

from .graph import MODE


def _state():
    from ..ops._common import ANOMALY
    return ANOMALY


class set_detect_anomaly:
    """Turn anomaly detection on or off (works at once, and as a ``with`` block)."""

    def __init__(self, mode, check_nan=True):
        for pos, (name, v) in enumerate((("enabled", mode), ("check_nan", check_nan)), 1):
            if type(v) is not bool:
                raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {pos}) must be bool, not "
                                f"{type(v).__name__}")
        st = _state()
        self.prev = (st.enabled, st.check_nan)
        st.enabled, st.check_nan = bool(mode), check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        st = _state()
        st.enabled, st.check_nan = self.prev


class detect_anomaly:
    """``with detect_anomaly():`` — anomaly detection inside the block."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        st = _state()
        if type(self.check_nan) is not bool:       # torch's set_anomaly_enabled(True, check_nan) refuses it here
            raise TypeError(f"set_anomaly_enabled(): argument 'check_nan' (position 2) must be bool, not "
                            f"{type(self.check_nan).__name__}")
        self.prev = (st.enabled, st.check_nan)
        st.enabled, st.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        st = _state()
        st.enabled, st.check_nan = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__(self.check_nan):
                return fn(*a, **k)
        return wrapper


def is_anomaly_enabled():
    return _state().enabled


def is_anomaly_check_nan_enabled():
    return _state().check_nan


def run_checked(node, g):
    """Run ``node.backward``; on any failure (NaN included) warn with the forward traceback, as torch."""
    try:
        outs = node.backward(g)
        if _state().check_nan:
            for i, o in enumerate(outs):
                if o is None:
                    continue
                arr = o._data if MODE.create else np.asarray(o)
                if arr.dtype.kind in "fc" and np.isnan(arr).any():
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
    except Exception:
        # torch's TORCH_WARN in python_anomaly_mode.cpp appends where it was raised
        if node._anomaly is None:      # created before anomaly mode was switched on
            warnings.warn(f"Error detected in {node.name()}. No forward pass information available. Enable detect "
                          "anomaly during forward pass for more information." + _TRIGGERED.format(100),
                          UserWarning, stacklevel=2)
        else:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                          + "".join(_user_frames(node._anomaly)) + _TRIGGERED.format(122), UserWarning, stacklevel=2)
        raise
    return outs


_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_TRIGGERED = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:{}.)"


def _user_frames(stack):
    """The forward stack without glasstorch's own frames: it ends at the learner's line, as torch's.  Under
    ``python -m glasstorch run`` the frames down to the runner's exec (runpy's, then glasstorch/__main__.py)
    go too: a script run by ``python script.py`` on torch starts at its own module."""
    runner = [i for i, f in enumerate(stack) if f.startswith(f'  File "{_PKG}__main__.py"')]
    if runner:
        stack = stack[runner[-1] + 1:]
    return [f for f in stack if not f.startswith(f'  File "{_PKG}')]
