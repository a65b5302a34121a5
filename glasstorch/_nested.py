"""The tensors inside a nested result (a model's outputs: tuples, lists and dicts of tensors)."""


def tensors_in(obj, found=None):
    """The tensors of ``obj``, depth first in order, through tuples, lists and dict values."""
    from ._tensor import Tensor
    found = [] if found is None else found
    if isinstance(obj, Tensor):
        found.append(obj)
    elif isinstance(obj, (tuple, list)):
        for o in obj:
            tensors_in(o, found)
    elif isinstance(obj, dict):
        for o in obj.values():
            tensors_in(o, found)
    return found
