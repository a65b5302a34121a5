"""``torch.futures``: ``Future``, ``collect_all`` and ``wait_all``.

glasstorch runs everything in the calling thread, so a Future is completed by an explicit
``set_result`` / ``set_exception`` (as a user's ``Future()`` is in torch) and its callbacks run there
and then, in the order they were added.  A callback added to a completed Future runs at once.
"""
import sys
from typing import Generic, TypeVar

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")
S = TypeVar("S")

# torch's text when a value is read before the Future is completed (c10's assertion)
_NOT_READY = ('completed() INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/core/ivalue_inl.h":1016, '
              "please report a bug to PyTorch. ")


class _CFuture:
    """``torch.Future`` (torch._C.Future): the base ``torch.futures.Future`` extends, which libraries
    test with ``isinstance``. (torch's paths for both classes: _class_paths.MOVED)"""


def _callback_error(exc):
    """torch wraps an error raised inside a callback: its type, its text and the Python stack (innermost
    frame first, written ``file(line): function``)."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    f = frames[-1].f_back if frames else sys._getframe(1)
    lines = [f"  {fr.f_code.co_filename}({fr.f_lineno}): {fr.f_code.co_name}" for fr in reversed(frames)]
    while f is not None:
        lines.append(f"  {f.f_code.co_filename}({f.f_lineno}): {f.f_code.co_name}")
        f = f.f_back
    return RuntimeError(f"Got the following error when running the callback: {type(exc).__name__}: {exc}\n\nAt:\n"
                        + "\n".join(lines) + "\n")


class Future(_CFuture, Generic[T]):
    """A value that becomes available later: ``set_result`` / ``set_exception`` complete it once;
    ``wait`` / ``value`` read it (re-raising a stored error); ``then`` chains a callback into a new Future."""

    def __init__(self, *, devices=None):
        self._done = False
        self._value = None
        self._error = None
        self._callbacks = []

    def done(self):
        return self._done

    def wait(self):
        if not self._done:
            raise RuntimeError(_NOT_READY)      # no other thread could ever complete it
        if self._error is not None:
            raise self._error
        return self._value

    def value(self):
        return self.wait()

    def then(self, callback):
        fut = Future()

        def run(done):
            try:
                fut.set_result(callback(done))
            except Exception as e:      # noqa: BLE001  (torch stores any error the callback raises)
                fut.set_exception(_callback_error(e))
        self.add_done_callback(run)
        return fut

    def add_done_callback(self, callback):
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def set_result(self, result):
        self._complete(result, None)

    def set_exception(self, result):
        assert isinstance(result, Exception), f"{result} is of type {type(result)}, not an Exception."
        self._complete(None, result)

    def _complete(self, value, error):
        if self._done:
            raise RuntimeError("Attempting to mark a completed Future as complete again. Note that a Future can "
                               "only be marked completed once.")
        self._done, self._value, self._error = True, value, error
        callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb(self)


def collect_all(futures):
    """A Future completed, with the list of ``futures`` as its value, once all of them are; the first
    error among them becomes its error."""
    out = Future()
    futures = list(futures)
    left = [len(futures)]

    def one(_):
        left[0] -= 1
        if left[0] == 0:
            err = next((f._error for f in futures if f._error is not None), None)
            if err is not None:
                out.set_exception(err)
            else:
                out.set_result(futures)
    if not futures:
        out.set_result([])
    for f in futures:
        f.add_done_callback(one)
    return out


def wait_all(futures):
    """The values of all ``futures`` (raising the first stored error)."""
    return [fut.wait() for fut in collect_all(futures).wait()]
