"""What torch's DataLoader does to a DataPipe dataset (single-process loading)."""
from ._rng import fresh_generator, random_int64
from .datapipes.datapipe import (IterDataPipe, MapDataPipe, _IterDataPipeSerializationWrapper,
                                 _MapDataPipeSerializationWrapper)


def wrap(dataset):
    """``loader.dataset`` becomes a serialization wrapper around a DataPipe, as in torch."""
    if isinstance(dataset, IterDataPipe):
        return _IterDataPipeSerializationWrapper(dataset)
    if isinstance(dataset, MapDataPipe):
        return _MapDataPipeSerializationWrapper(dataset)
    return dataset


def shuffle_settings(dataset, shuffle):
    """torch switches the pipeline's shufflers on or off; the Shuffler it appends when there is none is
    dropped (torch assigns it to a local only), so only its warning remains."""
    from .graph_settings import apply_shuffle_settings
    if shuffle is not None:
        apply_shuffle_settings(dataset, shuffle=shuffle)


def shared_seed(loader):
    """The shared seed each new iterator over an IterDataPipe draws: one int64 from the loader's generator."""
    return random_int64(loader.generator) if isinstance(loader.dataset, IterDataPipe) else None


def seed_pipeline(dataset, seed):
    """Seed the pipeline's random pipes (its Shufflers) from a generator seeded with the shared seed."""
    from .graph_settings import apply_random_seed
    if isinstance(dataset, IterDataPipe) and seed is not None:
        apply_random_seed(dataset, fresh_generator(seed))


def shard(dataset, num_instances, instance_id):
    from .graph_settings import apply_sharding
    if isinstance(dataset, (IterDataPipe, MapDataPipe)):
        apply_sharding(dataset, num_instances, instance_id)


def start_iter(loader):
    """A single-process iterator: the shared seed is drawn before the sampler's base seed and seeds the
    pipeline; then the pipeline is sharded over one process."""
    seed_pipeline(loader.dataset, shared_seed(loader))
    shard(loader.dataset, 1, 0)
