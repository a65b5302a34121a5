"""DataLoader workers (``num_workers > 0``), emulated one after the other in the main process.

torch forks ``num_workers`` processes; each gets a copy of the dataset, seeds ``random``, torch and
NumPy from ``base_seed + worker_id``, calls ``worker_init_fn(worker_id)`` and then serves batches.
Batch k goes to worker ``k % num_workers`` and, with ``in_order=True``, batches come back in that
order, so what a program sees is deterministic.  Here every worker is a context: entering it puts
its own RNG states and its ``WorkerInfo`` in place, leaving it puts the main process's back.  That
keeps what torch guarantees: ``get_worker_info()`` inside ``__iter__`` can split an
``IterableDataset`` by ``id``, random augmentations inside workers draw torch's numbers, and the
main process's own random stream is untouched by the workers.
"""
import collections
import copy
import itertools
import random
from dataclasses import dataclass

import numpy as np

from ..._generator import default_generator
from ._rng import random_int64
from ._worker_errors import ExceptionWrapper
from ._iter_base import _BaseDataLoaderIter
from . import _datapipe_loader

_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker (torch's frozen dataclass)."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The current worker's ``WorkerInfo``; None in the main process."""
    return _worker_info


def _generate_state(base_seed, worker_id):
    """torch's ``_utils.worker._generate_state``: the NumPy seed of a worker (four uint32)."""
    mask = 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask, base_seed >> 32, 0]
    const_a = [0x43B0D7E5]

    def hash_(value):
        value = (value ^ const_a[0]) & mask
        const_a[0] = (const_a[0] * 0x931E8875) & mask
        value = (value * const_a[0]) & mask
        return (value ^ (value >> 16)) & mask

    def mix(x, y):
        r = (((0xCA01F9DD * x) & mask) - ((0x4973F715 * y) & mask)) & mask
        return (r ^ (r >> 16)) & mask

    pool = [hash_(e) for e in entropy]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_(pool[i_src]))
    const_b, state = 0x8B51F9DD, []
    for v in pool:
        v = (v ^ const_b) & mask
        const_b = (const_b * 0x58F38DED) & mask
        v = (v * const_b) & mask
        state.append((v ^ (v >> 16)) & mask)
    return state


def _torch_state():
    g = default_generator
    return g._engine.state, g._initial_seed, g._fresh, g._next_double_normal, g._next_float_normal


def _set_torch_state(s):
    g = default_generator
    g._engine.state = s[0]
    g._initial_seed, g._fresh, g._next_double_normal, g._next_float_normal = s[1:]


def _fork_copy(dataset):
    """What a forked worker sees: a copy of the dataset.  Attributes that cannot be copied (open
    files, locks) are shared with the main process instead of giving up on the whole copy."""
    try:
        return copy.deepcopy(dataset)
    except Exception:
        pass
    try:
        clone = copy.copy(dataset)
    except Exception:
        return dataset
    for key, value in list(getattr(clone, "__dict__", {}).items()):
        try:
            clone.__dict__[key] = copy.deepcopy(value)
        except Exception:
            pass
    return clone


class _Worker:
    """One worker: its dataset copy (a fork's snapshot), its RNG states and its fetcher."""

    def __init__(self, loader, worker_id, base_seed, make_fetcher, shared_seed=None):
        dataset = _fork_copy(loader.dataset)
        seed = base_seed + worker_id
        self.info = WorkerInfo(worker_id, loader.num_workers, seed, dataset)
        self._make_fetcher = make_fetcher
        self._state = None
        self.init_error = None
        with self:
            random.seed(seed)
            default_generator.manual_seed(seed)
            np.random.seed(_generate_state(base_seed, worker_id))
            _datapipe_loader.seed_pipeline(dataset, shared_seed)
            try:
                # torch wraps worker_init_fn to shard a DataPipe over the workers first
                _datapipe_loader.shard(dataset, loader.num_workers, worker_id)
                if loader.worker_init_fn is not None:
                    loader.worker_init_fn(worker_id)
                self.fetcher = make_fetcher(dataset)
            except Exception:
                # torch's worker sends this in place of its first batch
                self.init_error = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

    def restart(self, shared_seed=None):
        """A persistent worker's next epoch: a new fetcher (a new ``iter(dataset)``), same state; a DataPipe
        is first seeded with the epoch's shared seed."""
        with self:
            _datapipe_loader.seed_pipeline(self.info.dataset, shared_seed)
            self.fetcher = self._make_fetcher(self.info.dataset)

    def __enter__(self):
        global _worker_info
        self._saved = (_worker_info, _torch_state(), random.getstate(), np.random.get_state())
        _worker_info = self.info
        if self._state is not None:
            _set_torch_state(self._state[0])
            random.setstate(self._state[1])
            np.random.set_state(self._state[2])

    def __exit__(self, *exc):
        global _worker_info
        self._state = (_torch_state(), random.getstate(), np.random.get_state())
        _worker_info, torch_state, py_state, np_state = self._saved
        _set_torch_state(torch_state)
        random.setstate(py_state)
        np.random.set_state(np_state)


class WorkersIter(_BaseDataLoaderIter):
    """One pass over a loader with workers; reused across epochs when ``persistent_workers``."""

    def __init__(self, loader, make_fetcher):
        from .dataloader import warn_pin_memory
        warn_pin_memory(loader)
        self._loader = loader
        shared_seed = _datapipe_loader.shared_seed(loader)     # before the base seed, as torch
        self._sampler_iter = iter(loader._index_sampler)
        self._base_seed = random_int64(loader.generator)   # drawn once per iterator, as torch
        self._workers = [_Worker(loader, w, self._base_seed, make_fetcher, shared_seed)
                         for w in range(loader.num_workers)]
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        if not first_iter:                      # persistent workers: no new base seed, no new copies
            self._sampler_iter = iter(loader._index_sampler)
        # torch's reset draws a new shared seed for a DataPipe, even on the first one (whose workers already
        # have theirs): it seeds the main process's pipeline and each persistent worker's next epoch
        shared_seed = _datapipe_loader.shared_seed(loader)
        _datapipe_loader.seed_pipeline(loader.dataset, shared_seed)
        if not first_iter:
            for w in self._workers:
                w.restart(shared_seed)
        self._active = [True] * len(self._workers)
        self._cycle = itertools.cycle(range(len(self._workers)))
        self._pending = collections.deque()
        for _ in range(loader.prefetch_factor * len(self._workers)):   # torch primes its queues
            self._put_index()
        self._num_yielded = 0

    def _put_index(self):
        try:
            self._pending.append(next(self._sampler_iter))
        except StopIteration:
            pass

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        while self._pending and any(self._active):
            index = self._pending.popleft()
            worker = next(w for w in self._cycle if self._active[w])
            failed = self._workers[worker].init_error
            if failed is not None:
                self._workers[worker].init_error = None
                failed.reraise()
            caught = None
            try:
                with self._workers[worker]:
                    data = self._workers[worker].fetcher(index)
            except StopIteration:               # an IterableDataset copy ran dry: that worker is done
                if self._loader._dataset_kind == 1:     # _DatasetKind.Iterable
                    self._active[worker] = False
                    self._put_index()
                    continue
                caught = ExceptionWrapper(where=f"in DataLoader worker process {worker}")
            except Exception:
                # torch's main process re-raises what its worker caught, with the worker's traceback
                caught = ExceptionWrapper(where=f"in DataLoader worker process {worker}")
            if caught is not None:              # (outside the handler: no chained "During handling of ...")
                caught.reraise()
            self._put_index()
            self._num_yielded += 1
            return data
        raise StopIteration
