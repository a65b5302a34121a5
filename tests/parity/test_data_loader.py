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
