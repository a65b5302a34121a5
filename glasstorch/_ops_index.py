"""Late-bound access to the op modules for the Tensor mixins (``_tensor_surface.py`` and its
bases): the ops import ``Tensor``, so the methods look them up on first call, not at class creation."""
import importlib

_MODULES = ("shape", "views", "storage", "join", "index", "gather", "select", "matmul", "reduce_more", "moments",
            "norms", "cumulative", "sorting", "pointwise", "binary_more", "clamp", "ternary", "logical", "softmax",
            "inplace_more", "creation_more", "linalg_more", "special_fns", "misc_more", "conversion", "cumulative_more", "scatter_reduce", "index_put", "stats",
            "misc_math", "unfold_view", "special_more", "inplace_fill", "complex_ops")


def __getattr__(name):
    if name in _MODULES:
        mod = importlib.import_module("glasstorch.ops." + name)
        globals()[name] = mod          # later lookups are a plain module attribute
        return mod
    raise AttributeError(name)
