"""In-place updates of tensors that vmap does not batch: BatchNorm's running statistics and its counter.

torch's vmap runs the function once, so ``bn.num_batches_tracked += 1`` or the running-stat update of a
training BatchNorm whose buffers were closed over (the same tensors for the whole batch) happens once; and
when the input is batched but those buffers are not, functorch's batch-norm rule refuses (the update would
have to write a different value per entry into one tensor).  glasstorch's vmap is a loop over the entries
(``_vmap.py``): the first entry updates, later entries skip an update that the first one made on the same
tensor objects, and a later entry whose input differs from the first one's (what "batched" means in that
loop, see ``_vmap_dynamic.py``) puts the statistics back as they were before the vmap and raises torch's
error.  Per-entry buffers (``stack_module_state`` slices, new objects in each entry) update as before."""
import numpy as np

from ._functorch_active import DEPTH
from ._vmap_dynamic import LOGS

TAG = "inplace-once"        # notes in _vmap_dynamic's per-entry logs that its check() does not compare

MESSAGE = ("Batch norm got a batched tensor as input while the running_mean or running_var, which will be updated "
           "in place, were not batched.\nIf you are using a module and do not need eval mode, please set "
           "`track_running_stats` to be False.If you are using a prebuilt module and do not need eval mode, please "
           "see the functorch website for resources on how to patch your module to work with vmap")


def _fingerprint(t):
    d = np.ascontiguousarray(t._data)
    return d.shape, d.dtype.str, d.tobytes()


def once(tensors, input=None):
    """Whether to apply an in-place update of ``tensors`` (None entries ignored) here.  Outside vmap, or in
    the first entry of every running vmap: yes.  In a later entry of some vmap, when that vmap's first entry
    made the matching update on the same tensor objects: no, or, with an ``input`` that differs from the first
    entry's, restore what that update changed and raise torch's error.  Nested vmaps: each level decides, the
    outermost first (the note goes into every level's log, as _vmap_dynamic's notes do)."""
    if not (DEPTH[1] and LOGS):
        return True
    objs = tuple(t for t in tensors if t is not None)
    fp = None if input is None else _fingerprint(input)
    skip = False
    for log in LOGS:
        if not log:
            continue
        k = sum(1 for e in log[-1] if e[0] == TAG)
        if len(log) == 1:
            # (the tensors themselves are kept, so that no later object can reuse their ids)
            log[-1].append((TAG, objs, fp, [(t, t._data.copy()) for t in objs]))
            continue
        log[-1].append((TAG, objs, fp, None))
        first = [e for e in log[0] if e[0] == TAG]
        if skip or k >= len(first) or len(first[k][1]) != len(objs) or \
                any(a is not b for a, b in zip(first[k][1], objs)):
            continue
        if input is not None and first[k][2] != fp:
            for t, saved in first[k][3]:
                t._data[...] = saved
            raise RuntimeError(MESSAGE)
        skip = True
    return not skip
