"""torch.return_types are struct sequences (not namedtuples): their attributes, constructor,
errors, pickling and slicing, compared on torch and glasstorch."""
import copy
import pickle

import pytest
import torch

import glasstorch

from ._helpers import same_outcome

RESULTS = {
    "max": lambda m: m.max(m.tensor([[1., 5.], [3., 0.]]), 1),
    "sort": lambda m: m.sort(m.tensor([3., 1., 2.])),
    "topk": lambda m: m.topk(m.arange(5.), 2),
    "aminmax": lambda m: m.aminmax(m.tensor([3., 1., 2.])),
    "linalg_qr": lambda m: m.linalg.qr(m.eye(2)),
    "linalg_eigh": lambda m: m.linalg.eigh(m.eye(2)),
}


def _describe(r):
    t = type(r)
    attrs = sorted(a for a in dir(r) if not a.startswith("_"))       # (ours has two private ones)
    return (t.__name__, t.__mro__[1].__name__, attrs, r.n_fields, r.n_sequence_fields, r.n_unnamed_fields,
            hasattr(r, "_fields"), hasattr(r, "_asdict"), type(r[:1]).__name__, repr(r))


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_struct_sequence_surface(name):
    want, got = (_describe(RESULTS[name](m)) for m in (torch, glasstorch))
    assert got == want


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_pickle_and_deepcopy_keep_the_type(name):
    for m in (torch, glasstorch):
        r = RESULTS[name](m)
        for back in (pickle.loads(pickle.dumps(r)), copy.deepcopy(r)):
            assert type(back) is type(r) and repr(back) == repr(r)


@pytest.mark.parametrize("args", [((1,),), (5,), ((1, 2, 3),), ([1, 2],), ((1, 2), {}), ((1, 2), {"a": 1}),
                                  (range(2),)])
def test_constructor_takes_one_sequence(args):
    def build(m):
        r = m.return_types.max(*args)
        return m.tensor([r.values, r.indices, len(r)])
    same_outcome(build)
