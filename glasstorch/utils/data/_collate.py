"""``default_collate``: a list of samples becomes one batch, recursively by element type.

tensors -> stacked;  NumPy arrays -> stacked tensors;  floats -> float64 tensor;  ints -> int64
tensor;  strings stay a list;  dicts, tuples, lists and namedtuples -> collated field by field.
"""
import collections.abc
import copy

import numpy as np

from ..._tensor import Tensor, _wrap

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _stack(tensors):
    import glasstorch
    if hasattr(glasstorch, "stack"):
        # a Tensor given as the batch itself reaches stack as torch's does, and fails alike
        return glasstorch.stack(tensors if isinstance(tensors, Tensor) else list(tensors), 0)
    return _wrap(np.stack([t._data for t in tensors]))


def default_collate(batch):
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, Tensor):
        return _stack(batch)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ in ("ndarray", "memmap"):
            if elem.dtype.kind in "SaUO":
                raise TypeError(_ERR.format(elem.dtype))
            return _stack([_wrap(np.array(b)) for b in batch])
        if elem.shape == ():
            return _wrap(np.array(batch))
    if isinstance(elem, float):
        return _wrap(np.array(batch, np.float64))
    if isinstance(elem, int):            # torch.tensor(batch): a float among the ints makes it float32
        from ..._creation import tensor
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _mapping_like(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        size = len(next(it))
        if not all(len(e) == size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        # each field is collated as the tuple zip made (strings come back as that tuple, as in torch)
        if isinstance(elem, tuple):
            return [default_collate(s) for s in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                return _filled_copy(elem, [default_collate(s) for s in transposed])
            return elem_type([default_collate(s) for s in transposed])
        except TypeError:
            return [default_collate(s) for s in transposed]
    raise TypeError(_ERR.format(elem_type))


def default_convert(data):
    """Without batching: NumPy arrays become tensors, containers are converted inside."""
    if isinstance(data, Tensor):
        return data
    t = type(data)
    if t.__module__ == "numpy" and t.__name__ not in ("str_", "string_"):
        if t.__name__ == "ndarray" and data.dtype.kind in "SaUO":
            return data
        return _wrap(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _mapping_like(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return t(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                return _filled_copy(data, [default_convert(d) for d in data])
            return t([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def _mapping_like(proto, items):
    """A mapping of ``proto``'s kind holding ``items``, as torch rebuilds one: a mutable mapping is a
    shallow copy of ``proto`` updated (a defaultdict keeps its factory, a subclass its attributes),
    another is ``type(proto)(items)``; a dict where that type cannot be built so."""
    try:
        if isinstance(proto, collections.abc.MutableMapping):
            clone = copy.copy(proto)
            clone.update(items)
            return clone
        return type(proto)(items)
    except TypeError:
        return items


def _filled_copy(seq, items):
    """A shallow copy of the mutable sequence ``seq`` (its type and attributes, as torch keeps them)
    with item i replaced by ``items[i]``."""
    clone = copy.copy(seq)
    for i, item in enumerate(items):
        clone[i] = item
    return clone
