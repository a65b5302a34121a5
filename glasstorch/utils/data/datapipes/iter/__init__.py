"""``torch.utils.data.datapipes.iter``: the core iterable DataPipes (file and DataFrame pipes are not here)."""
from .callable import MapperIterDataPipe as Mapper
from .combinatorics import SamplerIterDataPipe as Sampler, ShufflerIterDataPipe as Shuffler
from .combining import ConcaterIterDataPipe as Concater, ZipperIterDataPipe as Zipper
from .grouping import BatcherIterDataPipe as Batcher, UnBatcherIterDataPipe as UnBatcher
from .selecting import FilterIterDataPipe as Filter
from .sharding import ShardingFilterIterDataPipe as ShardingFilter
from .utils import IterableWrapperIterDataPipe as IterableWrapper

__all__ = ["Batcher", "Concater", "Filter", "IterableWrapper", "Mapper", "Sampler", "ShardingFilter", "Shuffler",
           "UnBatcher", "Zipper"]
