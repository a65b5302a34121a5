"""Which integer dtypes torch takes for the index tensor of each indexing op, and its error when the
index has another dtype.  torch 2.13 is not uniform: gather, scatter*, index_add and index_select
take int32 or int64; index_fill, index_copy, take and put take int64 only."""
import numpy as np

from .inplace import type_name

_BOTH = (np.dtype(np.int64), np.dtype(np.int32))
_LONG = (np.dtype(np.int64),)

# op -> (accepted dtypes, exception type, message; {got} is torch's scalar-type name of the index)
_RULES = {
    "index_select": (_BOTH, RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    "gather": (_BOTH, RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    "scatter": (_BOTH, RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "index_add": (_BOTH, RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: {got}"),
    "index_reduce": (_BOTH, RuntimeError, "index_reduce_(): Expected dtype int32/int64 for index but got: {got}"),
    "index_fill": (_LONG, IndexError, "index_fill_(): Expected dtype int64 for index."),
    "index_copy": (_LONG, RuntimeError, "index_copy_(): Expected a long tensor for index, but got {got}"),
    "take": (_LONG, RuntimeError, "take(): Expected a long tensor for index, but got {got}"),
    "put": (_LONG, RuntimeError, "put_(): Expected a long tensor for index, but got {got}"),
}


def checked_index(a, op):
    """``a`` (the index's NumPy array) as int64, or torch's error for ``op`` if its dtype is refused."""
    ok, exc, msg = _RULES[op]
    if a.dtype not in ok:
        raise exc(msg.format(got=type_name(a.dtype)))
    return a.astype(np.int64, copy=False)
