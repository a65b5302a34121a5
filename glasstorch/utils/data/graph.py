"""``torch.utils.data.graph``: the graph of a DataPipe pipeline, {id(dp): (dp, its sources' graph)}.

torch finds a pipe's sources by pickling it with a hook that records every DataPipe met; here the same
state is walked directly: the pipe's ``__getstate__`` (its ``__dict__`` by default), descending into
lists, tuples, sets and dicts but not into the DataPipes found, in the order pickling visits them."""
from .datapipes.datapipe import IterDataPipe, MapDataPipe

__all__ = ["traverse_dps", "traverse", "DataPipe", "DataPipeGraph"]

DataPipe = IterDataPipe | MapDataPipe
DataPipeGraph = dict


def _state(dp):
    getstate = getattr(type(dp), "__getstate__", None)
    if getstate is not None and getstate not in (IterDataPipe.__getstate__, MapDataPipe.__getstate__,
                                                 object.__getstate__):
        return getstate(dp)
    return dict(vars(dp))


def _list_connected_datapipes(dp, only_datapipe=True, cache=None):
    found, seen = [], set()

    def visit(obj):
        if isinstance(obj, (IterDataPipe, MapDataPipe)):
            if id(obj) not in seen:
                seen.add(id(obj))
                found.append(obj)
            return
        if only_datapipe and not isinstance(obj, (list, tuple, set, frozenset, dict)):
            return
        if isinstance(obj, dict):
            for k, v in obj.items():
                visit(k)
                visit(v)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for v in obj:
                visit(v)
    visit(_state(dp))
    return found


def traverse_dps(datapipe):
    return _traverse_helper(datapipe, only_datapipe=True, cache=set())


def traverse(datapipe, only_datapipe=None):
    return _traverse_helper(datapipe, only_datapipe=True if only_datapipe is None else only_datapipe, cache=set())


def _traverse_helper(datapipe, only_datapipe, cache):
    if not isinstance(datapipe, (IterDataPipe, MapDataPipe)):
        raise RuntimeError(f"Expected `IterDataPipe` or `MapDataPipe`, but {type(datapipe)} is found")
    dp_id = id(datapipe)
    if dp_id in cache:
        return {dp_id: (datapipe, {})}
    cache.add(dp_id)
    items = _list_connected_datapipes(datapipe, only_datapipe, cache.copy())
    d = {dp_id: (datapipe, {})}
    for item in items:
        d[dp_id][1].update(_traverse_helper(item, only_datapipe, cache.copy()))
    return d
