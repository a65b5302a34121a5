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


def maybe_mark_dynamic(t, index):
    return None


def mark_static_address(t, guard=False):
    """Tell cudagraphs that ``t`` keeps its address across calls; eager code only records the mark."""
    from .._tensor import Tensor
    if not isinstance(t, Tensor):
        raise TypeError(f"mark_static_address expects a tensor but received {type(t)}")
    t._dynamo_static_input_type = "guarded" if guard else "unguarded"


def explain(f, *args, **kwargs):
    raise NotImplementedError("torch._dynamo.explain: glasstorch has no compiler to explain")


# importing torch._dynamo adds a warnings filter (sympy's 'once' for its deprecations); any change to the
# filters clears the once-per-location registries, so a warning already shown is shown again
from .._sympy_import import sympy_imported as _sympy_imported  # noqa: E402
_sympy_imported()
del _sympy_imported
