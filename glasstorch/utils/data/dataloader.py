"""``DataLoader``: sampler -> batch sampler -> fetch -> collate.

Loading always happens in the main process; ``pin_memory`` changes nothing (but warns, as torch
without an accelerator does).  Every new iterator draws torch's ``_base_seed`` (one int64 from the
loader's generator, or the global one) before the first index is sampled, so a shuffled order and
any later random numbers match torch for the same seed.  With ``num_workers > 0`` the workers are
emulated in turn (``_workers.py``): torch's batch order, worker seeds, ``worker_init_fn`` and
``get_worker_info()``.
"""
import os
import warnings
from typing import Any, Callable, Generic, TypeVar

from ._collate import default_collate, default_convert
from ._rng import random_int64
from .dataset import IterableDataset, _T_co
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from ._workers import WorkersIter, get_worker_info
from ._iter_base import _BaseDataLoaderIter
from . import _datapipe_loader
from .datapipes.datapipe import IterDataPipe

__all__ = ["DataLoader", "get_worker_info"]

# torch's typing aliases, which libraries import for their own annotations (opacus: _collate_fn_t)
_T = TypeVar("_T")
_worker_init_fn_t = Callable[[int], None]
_collate_fn_t = Callable[[list[_T]], Any]


class DataLoader(Generic[_T_co]):
    """Iterates ``dataset`` in batches of ``batch_size`` (shuffled when ``shuffle=True``)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        self.dataset = _datapipe_loader.wrap(dataset)
        if isinstance(dataset, IterDataPipe):
            _datapipe_loader.shuffle_settings(dataset, shuffle)
            shuffle = None
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self._iterator = None
        self.check_worker_number_rationality()
        self._initialized = True

    # the attributes that fixed the batching at construction are frozen afterwards, as in torch
    _FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")

    def __setattr__(self, attr, val):
        if attr in self._FROZEN and self.__dict__.get("_initialized", False):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def multiprocessing_context(self):
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        # validated as torch does, though the emulated workers never start a process with it
        if context is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            import multiprocessing
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={context}")
        self._multiprocessing_context = context

    # torch keeps this on the loader; it is set once ``len()`` is taken on an IterableDataset's loader
    _IterableDataset_len_called = None

    @property
    def _dataset_kind(self):
        return _DatasetKind.Iterable if self._iterable else _DatasetKind.Map

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        make_fetcher = lambda dataset: _Fetcher(self, dataset)  # noqa: E731
        if not self.persistent_workers:
            self.check_worker_number_rationality()
            return WorkersIter(self, make_fetcher)
        if self._iterator is None:             # persistent workers: one iterator, reset each epoch
            self.check_worker_number_rationality()
            self._iterator = WorkersIter(self, make_fetcher)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """torch's warning when more workers are asked for than this process may run on CPUs."""
        if not self.num_workers:
            return
        affinity = hasattr(os, "sched_getaffinity")     # cgroups and taskset count, as in torch
        cpus = len(os.sched_getaffinity(0)) if affinity else os.cpu_count()
        if cpus is not None and self.num_workers <= cpus:
            return
        suggest = ("DataLoader is not able to compute a suggested max number of worker in current system."
                   if cpus is None else
                   f"Our suggested max number of worker in current system is {cpus}"
                   f"{'' if affinity else ' (`cpuset` is not taken into account)'}, which is smaller than what this "
                   "DataLoader is going to create.")
        warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. {suggest} Please be "
                      "aware that excessive worker creation might get DataLoader running slow or even freeze, lower the "
                      "worker number to avoid potential slowness/freeze if necessary.", stacklevel=2)


class _DatasetKind:
    """torch's tag for how a dataset is read: by index (Map) or by iterating it (Iterable). The iterators
    read it from ``loader._dataset_kind``, so stand-in loaders (fastai's ``_FakeLoader``) can set it."""
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        return _Fetcher(_FetchSettings(kind, auto_collation, collate_fn, drop_last), dataset)


class _FetchSettings:
    def __init__(self, kind, auto_collation, collate_fn, drop_last):
        self._dataset_kind, self._auto_collation = kind, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


class _Fetcher:
    """Turns one index (a list of indices when batching) into a batch: fetch, then collate."""

    def __init__(self, loader, dataset):
        self._dataset = dataset
        self._collate_fn = loader.collate_fn
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._iterable = loader._dataset_kind == _DatasetKind.Iterable
        if self._iterable:
            self._dataset_iter = iter(dataset)
            self._ended = False

    def __call__(self, index):
        if self._iterable:
            if self._ended:
                raise StopIteration
            if not self._auto_collation:
                return self._collate_fn(next(self._dataset_iter))
            data = []
            for _ in index:
                try:
                    data.append(next(self._dataset_iter))
                except StopIteration:
                    self._ended = True
                    break
            if not data or (self._drop_last and len(data) < len(index)):
                raise StopIteration
            return self._collate_fn(data)
        if self._auto_collation:
            getitems = getattr(self._dataset, "__getitems__", None)
            data = getitems(index) if getitems else [self._dataset[i] for i in index]
        else:
            data = self._dataset[index]
        return self._collate_fn(data)

    fetch = __call__        # torch's fetchers' method (``_DatasetKind.create_fetcher(...).fetch(index)``)


def warn_pin_memory(loader):
    """torch's warnings as each iterator starts: glasstorch, like a CPU-only torch, has no accelerator,
    so ``pin_memory=True`` pins nothing."""
    import warnings
    if loader.pin_memory and loader.pin_memory_device:
        warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                      f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=3)
    if loader.pin_memory:
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                      "memory won't be used.", stacklevel=3)


class _SingleProcessIter(_BaseDataLoaderIter):
    """One pass over the loader: index, fetch, collate."""

    def __init__(self, loader):
        warn_pin_memory(loader)
        self._loader = loader
        _datapipe_loader.start_iter(loader)
        self._sampler_iter = iter(loader._index_sampler)
        # NOTE: torch draws this seed for worker processes even with num_workers=0; we draw it too
        self._base_seed = random_int64(loader.generator)
        if loader.timeout != 0:         # torch's check, after the seed is drawn
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._num_yielded = 0
        self._fetch = _Fetcher(loader, loader.dataset)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        index = next(self._sampler_iter)
        data = self._fetch(index)
        self._num_yielded += 1
        return data


# torch's names of the iterators, which libraries import (PyG's loaders check for the multi-process one)
_SingleProcessDataLoaderIter = _SingleProcessIter
_MultiProcessingDataLoaderIter = WorkersIter
