"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

One global flag, read by every op before it records a node.  Each manager works as a ``with``
block and as a decorator, as torch's do.
"""
import functools
import inspect

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled"]


class _GradState:
    # ``enabled``: whether ops record nodes.  Inference mode keeps it off whatever the grad mode is
    # (torch excludes the autograd keys there), so inside it the grad mode that ``enable_grad`` /
    # ``no_grad`` / ``set_grad_enabled`` set and ``is_grad_enabled`` reads is kept in ``shadow``.
    __slots__ = ("enabled", "inference", "shadow")

    def __init__(self):
        self.enabled = True
        self.inference = False
        self.shadow = False


GRAD = _GradState()


def is_grad_enabled():
    return GRAD.shadow if GRAD.inference else GRAD.enabled


def _set_mode(on):
    """Set the grad mode; the previous one."""
    if GRAD.inference:
        prev, GRAD.shadow = GRAD.shadow, on
    else:
        prev, GRAD.enabled = GRAD.enabled, on
    return prev


def is_inference_mode_enabled():
    return GRAD.inference


class _DecoratorContextManager:
    """Lets a context manager decorate functions and generators, entering a fresh copy per call."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("Cannot decorate a class with a grad-mode context manager")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                try:                         # the generator's end (StopIteration) ends the wrapper too
                    with self.clone():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with self.clone():
                                gen.close()
                            raise
                        except BaseException:
                            with self.clone():
                                response = gen.throw(*__import__("sys").exc_info())
                        else:
                            with self.clone():
                                response = gen.send(request)
                except StopIteration as e:
                    return e.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Also a decorator without parentheses: ``@torch.no_grad`` as well as ``@torch.no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    """Ops inside record no graph: results have ``requires_grad=False``."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = _set_mode(False)

    def __exit__(self, *exc):
        _set_mode(self.prev)


class enable_grad(_NoParamDecoratorContextManager):
    """Turns recording back on inside a ``no_grad`` block."""

    def __init__(self):
        self.prev = True

    def __enter__(self):
        self.prev = _set_mode(True)

    def __exit__(self, *exc):
        _set_mode(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Sets grad mode on or off; takes effect at once, even when not used with ``with``."""

    def __init__(self, mode):
        if mode.__class__ is not bool:      # torch._C._set_grad_enabled's parser takes a bool only
            from .._arg_parser import tp_name
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {tp_name(mode)}")
        self.mode = mode
        self.prev = _set_mode(self.mode)

    def __call__(self, orig_func):
        _set_mode(self.prev)         # used as a decorator: the mode applies only while the function runs
        return super().__call__(orig_func)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set_mode(self.prev)

    def __str__(self):
        # torch's: torch.typename(self) (the class path, torch's under the torch alias) and the mode
        return f"{type(self).__module__}.{type(self).__qualname__}(mode={self.mode})"

    def __repr__(self):
        return str(self)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, and what is made inside is an inference tensor (autograd/_inference.py).
    ``inference_mode(False)`` turns both off: grad mode comes back on even under ``no_grad``."""

    def __init__(self, mode=True):
        self.mode = mode
        self.prev = (True, False)

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)          # used as a bare decorator: @inference_mode

    def __enter__(self):
        self.prev = (GRAD.enabled, GRAD.inference, GRAD.shadow)
        # torch's InferenceMode(mode) sets grad mode to ``not mode``
        GRAD.enabled = GRAD.shadow = not self.mode
        GRAD.inference = self.mode

    def __exit__(self, *exc):
        GRAD.enabled, GRAD.inference, GRAD.shadow = self.prev

    def clone(self):
        return self.__class__(self.mode)


class _Threading(__import__("threading").local):
    enabled = True                   # per thread, as torch's flag


_THREADING = _Threading()


def is_multithreading_enabled():
    """Whether backward may run on the engine's per-device worker threads (glasstorch always runs it on
    the calling thread; the flag is kept for code that reads it)."""
    return _THREADING.enabled


class set_multithreading_enabled(_DecoratorContextManager):
    """Context manager (or plain call) that sets the multithreaded-backward flag of this thread."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_multithreading_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")
        self.prev = _THREADING.enabled
        _THREADING.enabled = mode
        self.mode = mode

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, traceback):
        _THREADING.enabled = self.prev

    def clone(self):
        return self.__class__(self.mode)


# torch keeps it in grad_mode.py; glasstorch writes it in _grad_layout_policy.py, beside its flag
from ._grad_layout_policy import enforce_grad_layout_policy  # noqa: E402,F401
enforce_grad_layout_policy.__module__ = __name__
