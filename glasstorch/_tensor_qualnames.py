"""The names Python's own argument errors give Tensor's methods.

A call Python refuses before the method runs (a keyword it does not take, one positional argument too
many) is worded by Python from the function's ``__qualname__``.  glasstorch's methods live in mixin
classes (``TensorViews.tril``), a name torch never shows.  torch binds most of its methods from C++,
whose refusals name the bare method (``tril() got an unexpected keyword argument 'k'``); the few it
writes in Python (torch/_tensor.py: ``norm``, ``unique``, ``split`` ...) are Python functions of class
Tensor (``Tensor.unique() got an unexpected keyword argument 'k'``).  ``settle`` gives each method the
name torch's refusal shows.  Wrappers (``__wrapped__``) are left alone: they take ``*args, **kwargs`` and
never meet such a refusal, and the function they wrap keeps the name ``_arg_refuse`` reads.
"""
import inspect
import types

# the public methods torch's Tensor defines in Python (torch/_tensor.py), torch 2.13
PYTHON_LEVEL = frozenset((
    "backward", "dim_order", "eig", "index", "is_shared", "istft", "lstsq", "lu", "module_load", "norm",
    "register_hook", "register_post_accumulate_grad_hook", "reinforce", "resize", "resize_as",
    "share_memory_", "solve", "split", "stft", "storage", "storage_type", "symeig", "to_sparse_coo",
    "unflatten", "unique", "unique_consecutive"))


def settle(cls):
    """Name each public method of ``cls`` (inherited ones too) as torch's refusals name it."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        fn = inspect.getattr_static(cls, name)
        if isinstance(fn, types.FunctionType) and fn.__name__ == name and not hasattr(fn, "__wrapped__"):
            fn.__qualname__ = "Tensor." + name if name in PYTHON_LEVEL else name
