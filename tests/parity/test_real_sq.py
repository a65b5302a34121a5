"""Parity pins for real_sq (fastai v2 and fastcore, unchanged: tabular_learner, collab_learner,
SaveModelCallback / EarlyStoppingCallback, Learner.export / load_learner).

Fixed in glasstorch:
- ``torch.utils.data.dataloader._DatasetKind`` (Map = 0, Iterable = 1, ``create_fetcher`` whose
  fetchers have ``fetch``), ``DataLoader._dataset_kind`` and ``DataLoader._IterableDataset_len_called``;
  the single-process and worker iterators read the kind from ``loader._dataset_kind``, so a stand-in
  loader (fastai's ``_FakeLoader``, handed to ``_SingleProcessDataLoaderIter``) iterates as in torch
  (fastai.data.load failed to import, then to iterate: every fastai program);
- ``torch.amp.grad_scaler.OptState`` (READY / UNSCALED / STEPPED), the stage GradScaler keeps per
  optimizer (fastai.callback.fp16 imports it: every fastai program);
- ``torch._utils._flatten_dense_tensors`` / ``_unflatten_dense_tensors`` (fastai.fp16_utils imports them);
  an empty tensor unflattens to a fresh empty tensor of its own shape;
- ``torch.cat``'s backward gives a skipped empty 1-d input ``zeros({0})`` (not None), and under
  create_graph cuts the gradient with ``narrow`` (SliceBackward0 even for a single input, where
  glasstorch's tuple indexing gave AliasBackward0) (found through the flatten pins);
- the ``__torch_function__`` switch-on wraps only torch's own functions: a function someone else put
  on the torch module (fastai: ``torch.as_subclass = torch.Tensor.as_subclass``), and ``as_subclass``
  wherever it is, stay as they are; wrapped, fastai's ``TensorBase.clone`` recursed without end
  (every fastai training step);
- ``torch.save(obj, f, pickle_module=M)`` with another pickle module: its ``Pickler.reducer_override``
  is consulted for what glasstorch's pickler does not reduce itself (fastai's ``Learner.export``
  passes cloudpickle: glasstorch raised NotImplementedError).
"""
import io
import pickle
import types

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

MODS = (torch, glasstorch)


def _utils(m):
    import importlib
    return importlib.import_module(m.__name__ + "._utils")


# ---- DataLoader internals -------------------------------------------------------------------------
def test_dataset_kind_values():
    def kinds(m):
        dl = m.utils.data.dataloader
        return (dl._DatasetKind.Map, dl._DatasetKind.Iterable)
    assert kinds(torch) == kinds(glasstorch) == (0, 1)


class _Stream:
    """An IterableDataset-like class built per library (see ``_stream``)."""


def _stream(m, n):
    class S(m.utils.data.IterableDataset):
        def __iter__(self):
            return iter(m.arange(n, dtype=m.float32).view(-1, 1).unbind(0))
    return S()


def _map_ds(m, n):
    return m.utils.data.TensorDataset(m.arange(2 * n, dtype=m.float32).view(n, 2))


@pytest.mark.parametrize("iterable", [False, True])
def test_loader_dataset_kind_and_len_flag(iterable):
    def info(m):
        ds = _stream(m, 5) if iterable else _map_ds(m, 5)
        dl = m.utils.data.DataLoader(ds, batch_size=2)
        return dl._dataset_kind, dl._IterableDataset_len_called
    assert info(torch) == info(glasstorch)


def _fake_loader(m, n, auto_collation, batch=3):
    """A loader stand-in as fastai builds one: only the attributes torch's iterator reads."""
    def collate(x):
        return x if not isinstance(x, list) else m.stack(x)

    class Fake:
        _IterableDataset_len_called, collate_fn, drop_last, in_order = None, staticmethod(collate), False, True
        generator, prefetch_factor, pin_memory, pin_memory_device, timeout = None, 2, False, "", 0
        num_workers, persistent_workers = 0, False
        _dataset_kind = m.utils.data.dataloader._DatasetKind.Iterable
        _auto_collation = auto_collation

        def __init__(self):
            self.dataset = self
            self._index_sampler = [list(range(batch))] * 100 if auto_collation else range(10 ** 6)

        def _get_shared_seed(self):
            return None

        def __iter__(self):
            return iter(m.arange(n * 2, dtype=m.float64).view(n, 2).unbind(0))
    return Fake()


@pytest.mark.parametrize("n", [0, 1, 4, 7])
@pytest.mark.parametrize("auto", [False, True])
def test_single_process_iter_over_a_stand_in_loader(n, auto):
    def run(m):
        it = m.utils.data.dataloader._SingleProcessDataLoaderIter(_fake_loader(m, n, auto))
        return [b for b in it]
    res = {m: run(m) for m in MODS}
    assert len(res[torch]) == len(res[glasstorch])
    for a, b in zip(res[torch], res[glasstorch]):
        assert a.dtype.__repr__().split(".")[-1] == repr(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("kind", [0, 1])
@pytest.mark.parametrize("auto", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
def test_create_fetcher(kind, auto, drop_last):
    def run(m):
        ds = _map_ds(m, 5) if kind == 0 else _stream(m, 5)
        collate = m.utils.data.default_collate if auto else m.utils.data.default_convert
        f = m.utils.data.dataloader._DatasetKind.create_fetcher(kind, ds, auto, collate, drop_last)
        out = []
        for idx in ([0, 1], [2, 3], [4, 0]) if auto else (0, 3, 4):
            try:
                out.append(f.fetch(idx))
            except StopIteration:
                out.append("stop")
        return out
    assert _plain(run(torch)) == _plain(run(glasstorch))


def _plain(x):
    """Nested lists/tuples of tensors as nested lists of (values, dtype name)."""
    if isinstance(x, (list, tuple)):
        return [type(x).__name__] + [_plain(v) for v in x]
    if hasattr(x, "tolist"):
        return (x.tolist(), str(x.dtype).split(".")[-1], tuple(x.shape))
    return x


# ---- GradScaler's OptState ------------------------------------------------------------------------
def test_opt_state_enum():
    def members(m):
        e = m.amp.grad_scaler.OptState
        return [(x.name, x.value) for x in e], repr(e.READY), str(e.STEPPED), type(e).__name__
    assert members(torch) == members(glasstorch)


def test_grad_scaler_stage_is_opt_state():
    def stages(m):
        p = m.nn.Parameter(m.ones(3))
        opt = m.optim.SGD([p], lr=0.1)
        scaler = m.amp.GradScaler("cpu")
        scaler.scale(p.sum()).backward()
        scaler.unscale_(opt)
        s1 = scaler._per_optimizer_states[id(opt)]["stage"]
        scaler.step(opt)
        s2 = scaler._per_optimizer_states[id(opt)]["stage"]
        scaler.update()
        return (s1.name, s2.name, isinstance(s1, m.amp.grad_scaler.OptState), p.detach().tolist())
    assert stages(torch) == stages(glasstorch)


# ---- _flatten_dense_tensors / _unflatten_dense_tensors ------------------------------------------------
_shapes = st.lists(st.lists(st.integers(0, 3), min_size=0, max_size=3), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None)
@given(_shapes, st.sampled_from(["float32", "float64", "int64"]), st.booleans())
def test_flatten_unflatten_dense(shapes, dtype, transpose):
    arrays = [np.asarray(np.arange(int(np.prod(s)), dtype=dtype).reshape(s) + 1) for s in shapes]

    def fn(m, *ts):
        ts = [t.t() if transpose and t.dim() == 2 else t for t in ts]
        flat = _utils(m)._flatten_dense_tensors(ts)
        back = _utils(m)._unflatten_dense_tensors(flat, ts)
        assert type(back) is tuple
        return (flat,) + back
    same_on_both(fn, arrays, grad=(dtype != "int64"))


def test_flatten_dense_grad_fns():
    def names(m):
        a = m.ones(2, 3, requires_grad=True)
        c = m.arange(4.).view(2, 2).t()
        one = _utils(m)._flatten_dense_tensors([a])
        many = _utils(m)._flatten_dense_tensors([a, m.zeros(0), c])
        back = _utils(m)._unflatten_dense_tensors(many, [a, m.zeros(0), c])
        return (type(one.grad_fn).__name__, type(many.grad_fn).__name__,
                [type(b.grad_fn).__name__ if b.grad_fn else None for b in back],
                [tuple(b.shape) for b in back], _utils(m)._flatten_dense_tensors([c]).grad_fn)
    assert names(torch) == names(glasstorch)


@pytest.mark.parametrize("case", ["empty_list", "too_short"])
def test_flatten_dense_errors(case):
    def run(m):
        if case == "empty_list":
            return _utils(m)._flatten_dense_tensors([])
        return _utils(m)._unflatten_dense_tensors(m.arange(3.), [m.ones(5)])
    same_outcome(run)


def test_unflatten_dense_of_nothing():
    assert torch._utils._unflatten_dense_tensors(torch.arange(3.), []) == \
        glasstorch._utils._unflatten_dense_tensors(glasstorch.arange(3.), [])


# ---- __torch_function__ and functions put on the torch module ---------------------------------------
def _alias_calls(m):
    """A subclass's __torch_function__ calls while ``torch.<alias>(x, Tensor)`` runs, where the alias
    (as fastai makes one) is Tensor.as_subclass put on the torch module before the switch-on, next
    to a user function put there too."""
    from glasstorch import _torch_function_activate as act
    calls = []

    class Sub(m.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            calls.append(getattr(func, "__name__", str(func)))
            return super().__torch_function__(func, types, args, kwargs or {})

    def user_fn(x):
        return x * 2

    was_active = m is glasstorch and act.STATE.active
    if was_active:
        act.deactivate()
    m.sq_as_subclass, m.sq_user_fn = m.Tensor.as_subclass, user_fn
    try:
        if m is glasstorch:
            act.activate()
        x = m.ones(2).as_subclass(Sub)
        y = m.sq_as_subclass(x, m.Tensor)
        same_fn = m.sq_user_fn is user_fn
        z = m.sq_user_fn(x)
        return calls, type(y).__name__, same_fn, type(z).__name__, z.tolist()
    finally:
        if m is glasstorch:
            act.deactivate()
        del m.sq_as_subclass, m.sq_user_fn
        if was_active:
            act.activate()


def test_functions_put_on_torch_are_not_wrapped():
    assert _alias_calls(torch) == _alias_calls(glasstorch)


def test_subclass_clone_through_as_subclass_alias():
    """fastai's pattern: clone via ``self.as_subclass(Tensor).clone().as_subclass(cls)``."""
    def run(m):
        class Base(m.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return super().__torch_function__(func, types, args, kwargs or {})

            def clone(self, *, memory_format=None):
                return self.as_subclass(m.Tensor).clone(memory_format=memory_format).as_subclass(type(self))
        x = (m.ones(3, requires_grad=True) * 2).as_subclass(Base)
        y = x.clone()
        return type(y).__name__, type(y.grad_fn).__name__, y.tolist()
    assert run(torch) == run(glasstorch)


# ---- torch.save with another pickle module -----------------------------------------------------------
class _Token:
    """Not picklable by name from a pickle module's point of view: the custom module reduces it."""
    def __init__(self, v):
        self.v = v


def _custom_pickle_module():
    class P(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, _Token):
                return (complex, (obj.v, -1.0))
            return NotImplemented
    mod = types.ModuleType("sq_pickle")
    mod.Pickler, mod.Unpickler, mod.load = P, pickle.Unpickler, pickle.load
    return mod


@pytest.mark.parametrize("protocol", [2, 4])
def test_save_with_a_pickle_module(protocol):
    def run(m):
        obj = {"w": m.arange(6.).view(2, 3), "tok": _Token(3.0), "n": [1, 2], "p": m.nn.Parameter(m.ones(2))}
        buf = io.BytesIO()
        m.save(obj, buf, pickle_module=_custom_pickle_module(), pickle_protocol=protocol)
        buf.seek(0)
        back = m.load(buf, weights_only=False)
        return (back["w"].tolist(), back["tok"], back["n"], type(back["p"]).__name__, back["p"].tolist(),
                sorted(back))
    assert run(torch) == run(glasstorch)


def test_save_with_a_pickle_module_without_pickler():
    def run(m):
        return m.save({"a": m.ones(1)}, io.BytesIO(), pickle_module=types.ModuleType("sq_empty"))
    same_outcome(run)


# ---- cat's backward ------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["empty_first", "empty_both_sides", "single", "two", "dim1", "all_empty"])
def test_cat_backward_pieces(layout):
    def fn(m, a, b):
        e = m.zeros(0, dtype=m.float64, requires_grad=True)
        xs = {"empty_first": [e, b], "empty_both_sides": [e, b, e], "single": [b], "two": [a, b],
              "dim1": [a, e, b], "all_empty": [e, e * 2]}[layout]
        y = m.cat(xs, 1 if layout == "dim1" else 0)
        if layout == "all_empty":
            return [type(y.grad_fn).__name__, m.autograd.grad(y.sum(), e)[0].shape, y.shape]
        gs = m.autograd.grad(y.pow(2).sum(), [e, a, b], create_graph=True, allow_unused=True)
        return [(None if g is None else (g.detach(), type(g.grad_fn).__name__ if g.grad_fn else None)) for g in gs]
    res = {m: fn(m, m.ones(2, 3, dtype=m.float64, requires_grad=True),
                 m.arange(6., dtype=m.float64).view(2, 3).requires_grad_()) for m in MODS}
    if layout == "all_empty":
        assert res[torch] == [res[glasstorch][0], tuple(res[glasstorch][1]), tuple(res[glasstorch][2])]
        return
    assert len(res[torch]) == len(res[glasstorch])
    for t, g in zip(res[torch], res[glasstorch]):
        assert (t is None) == (g is None)
        if t is not None:
            np.testing.assert_array_equal(t[0].numpy(), g[0].numpy())
            assert t[0].shape == tuple(g[0].shape) and str(t[0].dtype) == str(g[0].dtype).replace("glasstorch", "torch")
            assert t[1] == g[1]
