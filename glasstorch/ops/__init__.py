"""The ops: one file per family, each op's forward function beside its backward node.

arithmetic  add sub rsub mul div floor_divide pow neg      unary      abs exp log sqrt sin cos relu ...
reduction   sum mean                                       comparison eq ne lt le gt ge
conversion  to type clone                                  shape      expand unsqueeze sum_to_size
select      where sign                                     fill       fill_ zero_ copy_
"""
from .._ops_load_library import load_library, loaded_libraries  # noqa: F401  (torch.ops.load_library)


def __getattr__(name):
    """``torch.ops.<namespace>`` (``torch.ops.aten.add``, the operators ``torch.library`` defines):
    in glasstorch the ops package is also ``torch.ops``; see ``_op_namespaces``.  (A family file not
    imported yet is imported, as the import system would.)"""
    import importlib
    import os
    if os.path.exists(os.path.join(os.path.dirname(__file__), name + ".py")):
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("_"):
        raise AttributeError(f"module 'torch.ops' has no attribute '{name}'")
    from .._op_namespaces import namespace
    return namespace(name)
