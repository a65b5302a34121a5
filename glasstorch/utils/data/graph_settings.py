"""``torch.utils.data.graph_settings``: switch the shufflers of a pipeline on or off, seed its random
pipes, and shard it -- what the DataLoader does to an IterDataPipe."""
import inspect
import warnings

from .datapipes.iter.sharding import SHARDING_PRIORITIES, _ShardingIterDataPipe
from .graph import traverse_dps

__all__ = ["apply_random_seed", "apply_sharding", "apply_shuffle_settings", "get_all_graph_pipes"]


def get_all_graph_pipes(graph):
    return _get_all_graph_pipes_helper(graph, set())


def _get_all_graph_pipes_helper(graph, id_cache):
    results = []
    for dp_id, (datapipe, sub_graph) in graph.items():
        if dp_id in id_cache:
            continue
        id_cache.add(dp_id)
        results.append(datapipe)
        results.extend(_get_all_graph_pipes_helper(sub_graph, id_cache))
    return results


def _is_sharding_datapipe(datapipe):
    return isinstance(datapipe, _ShardingIterDataPipe) or (
        hasattr(datapipe, "apply_sharding") and inspect.ismethod(datapipe.apply_sharding))


def apply_sharding(datapipe, num_of_instances, instance_id, sharding_group=SHARDING_PRIORITIES.DEFAULT):
    graph = traverse_dps(datapipe)

    def _helper(graph, prev_applied=None):
        for dp, sub_graph in graph.values():
            applied = None
            if _is_sharding_datapipe(dp):
                if prev_applied is not None:
                    raise RuntimeError("Sharding twice on a single pipeline is likely unintended and will cause data "
                                       f"loss. Sharding already applied to {prev_applied} while trying to apply to {dp}")
                if len(inspect.signature(dp.apply_sharding).parameters) < 3:
                    dp.apply_sharding(num_of_instances, instance_id)
                else:
                    dp.apply_sharding(num_of_instances, instance_id, sharding_group=sharding_group)
                applied = dp
            _helper(sub_graph, prev_applied if applied is None else applied)
    _helper(graph)
    return datapipe


def _is_shuffle_datapipe(datapipe):
    return (hasattr(datapipe, "set_shuffle") and hasattr(datapipe, "set_seed")
            and inspect.ismethod(datapipe.set_shuffle) and inspect.ismethod(datapipe.set_seed))


def apply_shuffle_settings(datapipe, shuffle=None):
    if shuffle is None:
        return datapipe
    shufflers = [p for p in get_all_graph_pipes(traverse_dps(datapipe)) if _is_shuffle_datapipe(p)]
    if not shufflers and shuffle:
        warnings.warn("`shuffle=True` was set, but the datapipe does not contain a `Shuffler`. Adding one at the end. "
                      "Be aware that the default buffer size might not be sufficient for your task.", stacklevel=2)
        datapipe = datapipe.shuffle()
        shufflers = [datapipe]
    for shuffler in shufflers:
        shuffler.set_shuffle(shuffle)
    return datapipe


def _is_random_datapipe(datapipe):
    return hasattr(datapipe, "set_seed") and inspect.ismethod(datapipe.set_seed)


def apply_random_seed(datapipe, rng):
    """One int64 from ``rng`` per random pipe, in graph order, as each pipe's seed."""
    import glasstorch
    cache, random_datapipes = set(), []
    for pipe in get_all_graph_pipes(traverse_dps(datapipe)):
        if id(pipe) in cache:
            continue
        if _is_random_datapipe(pipe):
            random_datapipes.append(pipe)
            cache.add(id(pipe))
    for pipe in random_datapipes:
        pipe.set_seed(int(glasstorch.empty((), dtype=glasstorch.int64).random_(generator=rng).item()))
    return datapipe
