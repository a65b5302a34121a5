"""``torch._dynamo``, as far as eager code touches it: ``reset()``, ``config`` flags that scripts set
(``suppress_errors``, ``cache_size_limit`` ...), ``disable`` / ``allow_in_graph`` markers, and the
``OptimizedModule`` that ``torch.compile(module)`` returns.  glasstorch compiles nothing: every
compiled callable runs eagerly, with torch's results."""

from ..compiler import allow_in_graph, assume_constant_result, disable, is_compiling, list_backends, reset  # noqa
from .eval_frame import OptimizedModule  # noqa: F401
from . import exc  # noqa: F401

# torch's config module: the flags scripts set before compiling; nothing reads them here
from . import config  # noqa: E402,F401


def mark_dynamic(t, index, *, min=None, max=None):
    return None


def mark_static(t, index=None):
    return None


def explain(f, *args, **kwargs):
    raise NotImplementedError("torch._dynamo.explain: glasstorch has no compiler to explain")
