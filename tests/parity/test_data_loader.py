"""torch.utils.data: the same batches, in the same shuffled order, as torch after the same seed."""
from collections import namedtuple

import numpy as np
import pytest
import torch

import glasstorch
import glasstorch.utils.data  # noqa: F401
from ._helpers import same_error

MODS = (torch, glasstorch)


def _batches(m, **kw):
    x = m.from_numpy(np.arange(26, dtype=np.float32).reshape(13, 2))
    y = m.from_numpy(np.arange(13))
    ds = m.utils.data.TensorDataset(x, y)
    out = []
    for _ in range(2):
        for xb, yb in m.utils.data.DataLoader(ds, **kw):
            out.append((xb.numpy().tolist(), yb.numpy().tolist(), str(xb.dtype)))
    out.append(m.empty(3).uniform_().tolist() if hasattr(m.Tensor, "uniform_") else None)
    return out


@pytest.mark.parametrize("kw", [dict(batch_size=4), dict(batch_size=4, shuffle=True), dict(batch_size=5, shuffle=True,
                                drop_last=True), dict(batch_size=3, shuffle=True, num_workers=2),
                                dict(batch_size=None)])
def test_loader_order_matches(kw):
    res = []
    for m in MODS:
        m.manual_seed(11)
        res.append(_batches(m, **kw))
    if res[1][-1] is None:
        res[0][-1] = None
    assert res[0] == res[1]
    for m in MODS:
        ds = m.utils.data.TensorDataset(m.zeros(13, 2))
        assert len(m.utils.data.DataLoader(ds, batch_size=4)) == 4
        assert len(m.utils.data.DataLoader(ds, batch_size=4, drop_last=True)) == 3


def test_samplers_and_split():
    res = []
    for m in MODS:
        m.manual_seed(5)
        d = m.utils.data
        r = [list(d.RandomSampler(range(10))), list(d.RandomSampler(range(10), replacement=True, num_samples=70)),
             list(d.RandomSampler(range(4), num_samples=10)), list(d.SubsetRandomSampler([3, 5, 7, 9])),
             list(d.BatchSampler(d.SequentialSampler(range(7)), 3, False))]
        a, b, c = d.random_split(range(20), [0.5, 0.3, 0.2])
        r += [list(a), list(b), list(c)]
        a, b = d.random_split(d.TensorDataset(m.arange(10)), [7, 3])
        r += [a.indices, b.indices]
        cat = d.ConcatDataset([range(3), range(10, 14)])
        r += [len(cat), cat[4], cat[-1]]
        res.append(r)
    assert res[0] == res[1]


def test_default_collate():
    Point = namedtuple("Point", "x y")
    batch = [{"a": 1.0, "b": (1, np.ones(2, np.float32)), "s": "u", "p": Point(1, 2.0)},
             {"a": 2.0, "b": (2, np.zeros(2, np.float32)), "s": "v", "p": Point(3, 4.0)}]
    outs = [m.utils.data.default_collate(batch) for m in MODS]
    assert outs[0]["s"] == outs[1]["s"]
    for key in ("a",):
        assert outs[0][key].tolist() == outs[1][key].tolist() and str(outs[0][key].dtype) == str(outs[1][key].dtype)
    for i in range(2):
        assert outs[0]["b"][i].tolist() == outs[1]["b"][i].tolist()
        assert str(outs[0]["b"][i].dtype) == str(outs[1]["b"][i].dtype)
    assert type(outs[1]["p"]).__name__ == "Point" and outs[1]["p"].y.tolist() == [2.0, 4.0]


def test_loader_errors():
    same_error(lambda m: m.utils.data.DataLoader(range(3), sampler=range(3), shuffle=True))
    same_error(lambda m: m.utils.data.DataLoader(range(3), batch_sampler=[[0]], batch_size=2))
    same_error(lambda m: m.utils.data.BatchSampler(range(3), 0, False))
    same_error(lambda m: m.utils.data.random_split(range(3), [1, 1]))
    same_error(lambda m: m.utils.data.default_collate([object()]))


# Workers (num_workers > 0) are emulated in the main process: torch's batch order (batch k from worker
# k % num_workers, a worker dropped when its IterableDataset copy runs dry), its per-worker seeds,
# worker_init_fn, get_worker_info(), and no new base seed per epoch with persistent_workers.
def _worker_datasets(m):
    d = m.utils.data

    class Shards(d.IterableDataset):
        def __iter__(self):
            info = d.get_worker_info()
            wid, nw = (0, 1) if info is None else (info.id, info.num_workers)
            lo = wid * 4
            return iter(range(lo, min(lo + 4 + wid, 11)))       # uneven shards

    class Noisy(d.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            info = d.get_worker_info()
            return m.rand(()).item() + i, (-1, 0, 0) if info is None else (info.id, info.num_workers, info.seed)

    return Shards(), Noisy()


@pytest.mark.parametrize("kw", [dict(batch_size=2, num_workers=2), dict(batch_size=3, num_workers=3, drop_last=True),
                                dict(batch_size=None, num_workers=2), dict(batch_size=2, num_workers=2,
                                                                           persistent_workers=True)])
def test_iterable_workers_order(kw):
    res = []
    for m in MODS:
        m.manual_seed(3)
        loader = m.utils.data.DataLoader(_worker_datasets(m)[0], **kw)
        res.append([[getattr(b, "tolist", lambda: b)() for b in loader] for _ in range(2)] + [m.rand(2).tolist()])
    assert res[0] == res[1]


@pytest.mark.parametrize("kw", [dict(num_workers=2), dict(num_workers=2, persistent_workers=True, shuffle=True),
                                dict(num_workers=3, shuffle=True, prefetch_factor=1)])
def test_map_workers_seeds_and_order(kw):
    res = []
    for m in MODS:
        m.manual_seed(4)
        calls = []
        loader = m.utils.data.DataLoader(_worker_datasets(m)[1], batch_size=2, worker_init_fn=calls.append, **kw)
        out = [[(x.tolist(), [t.tolist() for t in info]) for x, info in loader] for _ in range(2)]
        res.append(out + [m.rand(2).tolist(), m.utils.data.get_worker_info()])
    assert res[0] == res[1]


def test_workers_copy_the_dataset():
    # each forked worker advances its own copy of a dataset's generator; an open file in the dataset
    # (which deepcopy refuses) must not stop the rest of it from being copied
    def run(m):
        class Own(m.utils.data.Dataset):
            def __init__(self):
                self.g, self.fh = m.Generator().manual_seed(1), open(__file__)

            def __len__(self):
                return 5

            def __getitem__(self, i):
                return m.rand(1, generator=self.g) + i

        loader = m.utils.data.DataLoader(Own(), batch_size=2, num_workers=2)
        return [[b.tolist() for b in loader] for _ in range(2)]
    assert run(torch) == run(glasstorch)
