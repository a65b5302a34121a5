"""Parity pins for sweep25i (torch.utils.data pipeline programs).

Fixed in glasstorch:
- ``multinomial`` with replacement checks the weights entry by entry as torch's CPU kernel does,
  ``val >= 0`` before ``isfinite``: a NaN weight (or a NaN before an inf) raises "encountering
  probability entry < 0", not "= infinity or NaN" (so does ``WeightedRandomSampler``) (_rng_extra.py);
- ``StackDataset()`` with no dataset raises torch's "At least one dataset should be passed" (was an
  IndexError), and ``StackDataset.__getitems__`` batches as torch's: a stacked dataset with its own
  ``__getitems__`` serves the whole batch (the DataLoader now uses it), with torch's "Nested dataset's
  output size mismatch" error (utils/data/dataset.py);
- ``ConcatDataset.cummulative_sizes``, torch's deprecated alias, with its FutureWarning;
- ``DataLoader`` freezes batch_size, batch_sampler, sampler, drop_last, dataset and
  persistent_workers after construction ("<attr> attribute should not be set after DataLoader is
  initialized"), and validates ``multiprocessing_context`` as torch does (only with num_workers > 0;
  a start method name or a context object); iterating a single-process loader whose timeout is not
  0 raises torch's AssertionError "_SingleProcessDataLoaderIter requires timeout == 0", after the
  base seed is drawn (utils/data/dataloader.py);
- ``default_collate`` / ``default_convert`` rebuild a mutable mapping or sequence as torch does, by
  updating a shallow copy of it: a defaultdict stays a defaultdict (was a dict), a dict or list
  subclass keeps its attributes; a Tensor passed as the batch itself fails in ``stack`` as in torch
  (utils/data/_collate.py);
- ``Sampler`` has no ``__init__``, as in torch 2.13: ``Sampler(data)`` and ``super().__init__(data)``
  are object's TypeErrors (utils/data/sampler.py);
- ``randperm`` with a non-integer ``n`` raises torch's parser TypeError ("argument 'n' (position 1)
  must be int, not float", or the "invalid combination" listing when a generator is given), and
  ``random_split`` draws through ``randperm(..., generator=default_generator)`` as torch does, so float
  lengths give that same message (_random_api.py, utils/data/dataset.py); glasstorch's
  ``Generator`` objects are named ``torch._C.Generator`` in parser messages (_arg_parser.py).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome


def _plain(x):
    """Tensors as (dtype, nested list); containers kept, so both libraries compare as Python data."""
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        return (str(x.dtype), x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [_plain(v) for v in x]
    return x


def same_plain(fn):
    """``fn(module)`` gives the same plain data on both, or torch's exception type and message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = _plain(fn(torch))
        except Exception:      # noqa: BLE001 - torch's error is the expectation
            same_error(fn)
            return
        assert _plain(fn(glasstorch)) == expected


BAD = [float("nan"), float("inf"), float("-inf"), -1.0, 0.0, 2.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(BAD), min_size=1, max_size=5), st.integers(1, 4),
       st.sampled_from(["float32", "float64", "float16"]))
def test_multinomial_with_replacement_first_bad_entry_decides(ws, n, dt):
    same_outcome(lambda m: m.multinomial(m.tensor(ws, dtype=getattr(m, dt)), n, True,
                                         generator=m.Generator().manual_seed(0)))


@pytest.mark.parametrize("rows", [[[1.0, 1.0], [float("inf"), -1.0]], [[1.0, float("nan")], [float("inf"), -1.0]],
                                  [[float("inf"), 1.0], [float("nan"), 1.0]]])
def test_multinomial_with_replacement_rows(rows):
    same_outcome(lambda m: m.multinomial(m.tensor(rows), 3, True))


@pytest.mark.parametrize("weights", [[float("nan"), 2.0], [2.0, float("inf")], [1.0, -2.0], [0.5, 0.5]])
def test_weighted_random_sampler_bad_weights(weights):
    same_plain(lambda m: list(m.utils.data.WeightedRandomSampler(weights, 4, generator=m.Generator().manual_seed(0))))


def test_stack_dataset_needs_a_dataset():
    same_error(lambda m: m.utils.data.StackDataset())


class _Batched:
    def __init__(self, m, short=False):
        self.m, self.short = m, short

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return self.m.tensor(float(i))

    def __getitems__(self, idx):
        out = list(self.m.tensor(idx, dtype=self.m.float32) * 10)
        return out[:1] if self.short else out


@pytest.mark.parametrize("make", [
    lambda m: m.utils.data.StackDataset(range(5), range(10, 15)),
    lambda m: m.utils.data.StackDataset(a=range(5), b=range(10, 15)),
    lambda m: m.utils.data.StackDataset(_Batched(m), range(5)),
    lambda m: m.utils.data.StackDataset(x=_Batched(m), y=range(5)),
    lambda m: m.utils.data.StackDataset(_Batched(m, short=True), range(5)),
    lambda m: m.utils.data.StackDataset(x=range(5), y=_Batched(m, short=True)),
])
@pytest.mark.parametrize("idx", [[0, 3], [4], []])
def test_stack_dataset_getitems(make, idx):
    same_plain(lambda m: make(m).__getitems__(idx))


@pytest.mark.parametrize("kw", [dict(batch_size=2), dict(batch_size=3, drop_last=True),
                                dict(batch_size=2, shuffle=True)])
def test_loader_over_stack_dataset_uses_getitems(kw):
    def fn(m):
        ds = m.utils.data.StackDataset(x=_Batched(m), y=range(5))
        return list(m.utils.data.DataLoader(ds, generator=m.Generator().manual_seed(1), **kw))
    same_plain(fn)


def test_concat_dataset_cummulative_sizes():
    def fn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            sizes = m.utils.data.ConcatDataset([range(3), range(2), range(4)]).cummulative_sizes
        return sizes, [(x.category.__name__, str(x.message)) for x in w]
    assert fn(torch) == fn(glasstorch)


@pytest.mark.parametrize("attr", ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                  "persistent_workers"])
def test_loader_frozen_attributes(attr):
    def fn(m):
        dl = m.utils.data.DataLoader(range(5), batch_size=2)
        setattr(dl, attr, None)
    same_error(fn)


@pytest.mark.parametrize("attr,val", [("num_workers", 0), ("collate_fn", list), ("generator", None),
                                      ("worker_init_fn", print), ("timeout", 3)])
def test_loader_other_attributes_settable(attr, val):
    def fn(m):
        dl = m.utils.data.DataLoader(range(5), batch_size=2)
        setattr(dl, attr, val)
        return getattr(dl, attr) is val or getattr(dl, attr) == val, list(dl) if attr != "collate_fn" else None
    same_plain(fn)


@pytest.mark.parametrize("kw", [dict(multiprocessing_context="fork"), dict(multiprocessing_context="spawn"),
                                dict(num_workers=1, multiprocessing_context="bogus"),
                                dict(num_workers=1, multiprocessing_context=3),
                                dict(num_workers=1, multiprocessing_context=None)])
def test_loader_multiprocessing_context_checks(kw):
    same_plain(lambda m: type(m.utils.data.DataLoader(range(5), **kw).multiprocessing_context).__name__)


@pytest.mark.parametrize("ctx", ["fork", "spawn", "forkserver"])
def test_loader_multiprocessing_context_setter(ctx):
    def fn(m):
        dl = m.utils.data.DataLoader(range(5), num_workers=2)
        dl.multiprocessing_context = ctx
        first = type(dl.multiprocessing_context).__name__
        dl.num_workers = 0
        try:
            dl.multiprocessing_context = ctx
        except ValueError as e:
            return first, str(e)
        return first, None
    same_plain(fn)


@pytest.mark.parametrize("timeout", [0, 2, 0.5])
def test_single_process_loader_timeout(timeout):
    def fn(m):
        m.manual_seed(0)
        dl = m.utils.data.DataLoader(range(4), batch_size=2, shuffle=True, timeout=timeout)
        try:
            out = list(dl)
        except AssertionError as e:
            out = str(e)
        return out, m.rand(2)           # the seed draw happened either way
    same_plain(fn)


def _ddict(m, vals):
    import collections
    return [collections.defaultdict(list, a=v, b=[v, v]) for v in vals]


class _Tagged(dict):
    pass


class _TaggedList(list):
    pass


def _tagged(cls, v):
    x = cls(v)
    x.tag = "kept"
    return x


@pytest.mark.parametrize("case", [
    lambda m, dc: dc(_ddict(m, [1, 2])),
    lambda m, dc: dc([_tagged(_Tagged, {"a": 1.5}), _Tagged(a=2.5)]),
    lambda m, dc: dc([_tagged(_TaggedList, [1, 2.0]), _TaggedList([3, 4.0])]),
    lambda m, dc: dc([__import__("collections").deque([1, 2]), __import__("collections").deque([3, 4])]),
    lambda m, dc: dc([__import__("types").MappingProxyType({"a": 1}), __import__("types").MappingProxyType({"a": 2})]),
    lambda m, dc: dc(m.tensor([1, 2])),
    lambda m, dc: dc(m.tensor([[1, 2], [3, 4]])),
])
def test_default_collate_keeps_container(case):
    def fn(m):
        out = case(m, m.utils.data.default_collate)
        return type(out).__name__, getattr(out, "tag", None), getattr(out, "default_factory", None), \
            dict(out) if isinstance(out, __import__("collections").abc.Mapping) else list(out)
    same_plain(fn)


@pytest.mark.parametrize("case", [
    lambda m: __import__("collections").defaultdict(int, a=np.array([1, 2])),
    lambda m: _tagged(_Tagged, {"a": np.array([1.5])}),
    lambda m: _tagged(_TaggedList, [np.array([1]), 2.0]),
    lambda m: __import__("collections").deque([np.array([1]), 2]),
    lambda m: __import__("types").MappingProxyType({"a": np.array([1])}),
    lambda m: [np.array([1]), (np.array([2]), "s")],
])
def test_default_convert_keeps_container(case):
    def fn(m):
        out = m.utils.data.default_convert(case(m))
        return type(out).__name__, getattr(out, "tag", None), \
            dict(out) if isinstance(out, __import__("collections").abc.Mapping) else list(out)
    same_plain(fn)


def test_sampler_has_no_init():
    same_error(lambda m: m.utils.data.Sampler(range(3)))

    def subclass(m):
        class S(m.utils.data.Sampler):
            def __init__(self, ds):
                super().__init__(ds)
        return S(range(3))
    same_error(subclass)

    def fine(m):
        class S(m.utils.data.Sampler):
            def __init__(self, ds):
                super().__init__()
                self.ds = ds

            def __iter__(self):
                return iter(range(len(self.ds) - 1, -1, -1))

            def __len__(self):
                return len(self.ds)
        return list(m.utils.data.DataLoader(range(5), sampler=S(range(5)), batch_size=2))
    same_plain(fine)


@pytest.mark.parametrize("n", [5.0, "a", True, None, np.float64(3), 2.5, [3]])
@pytest.mark.parametrize("kw", [{}, {"generator": True}, {"dtype": "int32"}])
def test_randperm_bad_n(n, kw):
    def fn(m):
        k = {"generator": m.Generator()} if "generator" in kw else {}
        if "dtype" in kw:
            k["dtype"] = m.int32
        return m.randperm(n, **k)
    same_error(fn)


@pytest.mark.parametrize("n", [3, np.int64(4), "tensor"])
def test_randperm_integer_like_n(n):
    def fn(m):
        k = m.tensor(3) if isinstance(n, str) else n
        return m.randperm(k, generator=m.Generator().manual_seed(0))
    same_plain(fn)


@pytest.mark.parametrize("gen", [False, True, "omitted"])
@pytest.mark.parametrize("lengths", [[5.0, 5.0], [4, 6], [0.3, 0.7], [2.0, 8]])
def test_random_split_lengths(gen, lengths):
    def fn(m):
        m.manual_seed(0)
        kw = {} if gen == "omitted" else {"generator": m.Generator().manual_seed(3) if gen else None}
        parts = m.utils.data.random_split(range(10), lengths, **kw)
        return [list(p) for p in parts], m.rand(2)
    same_plain(fn)
