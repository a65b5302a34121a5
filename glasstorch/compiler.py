"""``torch.compiler``: glasstorch compiles nothing (``torch.compile`` returns its argument), so code that
asks whether it is being compiled, or marks functions for the compiler, runs as in eager torch."""
import functools

from ._runtime import compile  # noqa: F401  (torch.compiler.compile is torch.compile)

__all__ = ["compile", "assume_constant_result", "reset", "allow_in_graph", "list_backends", "disable",
           "set_stance", "cudagraph_mark_step_begin", "is_compiling", "is_dynamo_compiling", "is_exporting"]


def is_compiling():
    """False: nothing runs under a compiler here."""
    return False


def is_dynamo_compiling():
    return False


def is_exporting():
    return False


def reset():
    """Clear compilation caches (there are none)."""
    return None


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def disable(fn=None, recursive=True, *, reason=None):
    """A decorator that keeps ``fn`` out of compilation: a wrapper calling ``fn``, as torch returns one."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)

    @functools.wraps(fn)
    def run_eagerly(*args, **kwargs):
        return fn(*args, **kwargs)
    return run_eagerly


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    return None


def cudagraph_mark_step_begin():
    return None


def list_backends(exclude_tags=("debug", "experimental")):
    """torch's registered backends (none of them runs here: torch.compile returns the model); all of them
    when ``exclude_tags`` is None."""
    if exclude_tags is None:
        from ._dynamo.exc import BACKENDS
        return sorted(BACKENDS)
    return ["cudagraphs", "inductor", "openxla", "tvm"]
