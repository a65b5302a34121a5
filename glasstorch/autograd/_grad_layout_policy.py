"""``torch.autograd.enforce_grad_layout_policy``: the per-thread switch of AccumulateGrad's "gradient layout
contract".  Enforced (the default), a stolen first gradient must already have the leaf's layout, else it is
copied into one that has; relaxed, an incoming gradient nobody else holds becomes ``.grad`` as it is, with
whatever strides it arrived in (the engine reads the flag in ``_accumulate``)."""
import threading

from .grad_mode import _DecoratorContextManager


class _Flag(threading.local):
    enabled = True                   # per thread, as torch's flag


_FLAG = _Flag()


def _is_grad_layout_enforcement_enabled():
    return _FLAG.enabled


def _set_grad_layout_enforcement_enabled(enable):
    _FLAG.enabled = bool(enable)


class enforce_grad_layout_policy(_DecoratorContextManager):
    """Context manager (or plain call) that sets this thread's gradient-layout enforcement; as in torch the
    flag changes on construction and the previous value comes back on exit."""

    def __init__(self, enable=True):
        self.prev = _FLAG.enabled
        _set_grad_layout_enforcement_enabled(enable)
        self.mode = enable

    def __call__(self, orig_func):
        _set_grad_layout_enforcement_enabled(self.prev)
        return super().__call__(orig_func)

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, traceback):
        _set_grad_layout_enforcement_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)
