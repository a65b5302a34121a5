"""NumPy's floating-point warnings for the program's own NumPy code, and none for glasstorch's.

torch never warns about the inf / nan its ops produce (overflow, 0/0, ``log(0)``), while NumPy prints
a RuntimeWarning for each.  glasstorch's ops are NumPy calls, so NumPy's warnings must stay quiet for
them; but a program that also uses NumPy (``np.log(0)`` in its own code) must see NumPy's warnings as it
does beside torch.  A global ``np.seterr(all="ignore")`` would silence the program's too.

NumPy's ``'log'`` error mode hands each error's text ("Warning: divide by zero encountered in log") to an
object's ``write`` instead.  That object looks at who called the ufunc, stepping over NumPy's own Python
(``np.mean`` calls its ufuncs from ``numpy/_core/_methods.py``): glasstorch's code is let be; any other
caller gets NumPy's own RuntimeWarning, at the place NumPy's would point.  No cost unless an error occurs.
"""
import os
import sys
import threading
import warnings

import numpy as np

_OURS = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NUMPY = os.path.dirname(os.path.abspath(np.__file__)) + os.sep


class _Router:
    """The ``seterrcall`` object: NumPy calls ``write`` from the frame that ran the failing ufunc."""
    __slots__ = ()

    def write(self, text):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(_NUMPY):
            frame = frame.f_back
        if frame is not None and frame.f_code.co_filename.startswith(_OURS):
            return
        # NumPy's own warning points at the frame that ran the ufunc: one level above this method
        warnings.warn(text[len("Warning: "):].rstrip("\n"), RuntimeWarning, stacklevel=2)


def _route():
    # NumPy's defaults, with "warn" routed through _Router (underflow stays ignored, as NumPy's default)
    np.seterr(divide="log", over="log", invalid="log", under="ignore")
    np.seterrcall(_ROUTER)


def _on_thread_start(frame, event, arg):
    # NumPy keeps its error state per thread (a context variable) and a new thread starts from NumPy's
    # defaults, so glasstorch's ops would warn on the program's threads; threading.setprofile's hook is
    # the one thing Python runs at the start of every new thread: route there, then step aside
    sys.setprofile(None)
    _route()


_ROUTER = _Router()


def install():
    _route()
    if threading.getprofile() is None:      # (a profiler of the program's own keeps its hook)
        threading.setprofile(_on_thread_start)
