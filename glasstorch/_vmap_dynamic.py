"""What functorch's vmap refuses to batch: data-dependent shapes and Python control flow on a batched tensor.

torch refuses these at the op, because its BatchedTensor knows it is batched: ``nonzero``, one-argument
``where``, ``unique``, ``unique_consecutive``, ``masked_select`` over a batched mask, and reading a batched
tensor as a Python value (``bool`` for an ``if``, ``item``/``int``/``float``).  glasstorch's vmap is a loop
over the batch (``_vmap.py``), so here "batched" means what it means elsewhere in that loop: the value
differs from one batch entry to the next.  Each such op notes its input while a vmap runs; after the loop
(or when a later entry fails, for instance on shapes that the first entry did not have), the first op whose
input varied across entries raises torch's error for it."""
import numpy as np

from ._functorch_active import DEPTH

LOGS = []       # one per running vmap: a list of entries, each the list of (op, fingerprint) it noted

_ISSUES = "Please file an issue at https://github.com/pytorch/pytorch/issues if you need this feature."
_DYNAMIC = ("vmap: We do not support batching operators that can output dynamic shape. Attempted to vmap over "
            "aten::{}. " + _ISSUES)
MESSAGES = {
    "nonzero": _DYNAMIC.format("nonzero"),
    "where": _DYNAMIC.format("where"),
    "_unique2": _DYNAMIC.format("_unique2"),
    "unique_dim": _DYNAMIC.format("unique_dim"),
    "unique_consecutive": _DYNAMIC.format("unique_consecutive"),
    "nonzero_numpy": "Batching rule not implemented for aten::nonzero_numpy. We could not generate a fallback.",
    "masked_select": ("vmap: Attempted to vmap over `mask` in torch.masked_select(self, mask) We cannot support "
                      "this because for each batch this would return a differently shaped Tensor. " + _ISSUES),
    "bool": ("vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. We "
             "don't support that yet, please file an issue at https://github.com/pytorch/pytorch/issues ."),
    "mask_index": ("vmap: We do not support batching operators that can support dynamic shape. Attempting to "
                   "batch over indexing with a boolean mask."),
    "equal": "Batching rule not implemented for aten::equal. We could not generate a fallback.",
    "allclose": "vmap over torch.allclose isn't supported yet. " + _ISSUES,
    "data": "Cannot access data pointer of Tensor that doesn't have storage",
    "one_hot": "When vmap-ing torch.nn.functional.one_hot, please provide an explicit positive num_classes argument.",
    "item_internal": ("vmap: It looks like you're either (1) calling .item() on a Tensor or (2) attempting to use a "
                      "Tensor in some data-dependent control flow or (3) encountering this error in PyTorch internals. "
                      "For (1): we don't support vmap over calling .item() on a Tensor, please try to rewrite what "
                      "you're doing with other operations. For (2): we don't support data-dependent control flow in "
                      "vmap yet, please file an issue at https://github.com/pytorch/pytorch/issues . For (3): please "
                      "file an issue."),
    "item": ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() "
             "on a Tensor, please try to rewrite what you're doing with other operations. If error is occurring "
             "somewhere inside PyTorch internals, please file a bug report."),
}


def note(op, tensor):
    """Record that ``op`` read ``tensor`` (its data decides a shape or a Python value) in each running vmap."""
    if DEPTH[1] and LOGS:
        d = np.asarray(tensor._data)
        key = (op, d.shape, d.dtype.str, np.ascontiguousarray(d).tobytes())
        for log in LOGS:
            if log:
                log[-1].append(key)


def check(log):
    """Raise torch's error for the first noted op whose input was not the same in every entry of ``log``."""
    if len(log) < 2:
        return
    first = log[0]
    for entry in log[1:]:
        for a, b in zip(first, entry):
            # (notes of other kinds, _vmap_inplace's, are not compared here)
            if a[0] in MESSAGES and a != b:
                raise RuntimeError(MESSAGES[a[0]])
