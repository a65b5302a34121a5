"""Sweep 23m (model compression programs: pruning, distillation, low-rank factorization, weight tying).

Fixed:
* ``nn.Module.__init__`` now lays out the instance ``__dict__`` as torch does: the same attributes in the
  same order, including the ``_state_dict_pre_hooks`` / ``_load_state_dict_pre_hooks`` /
  ``_load_state_dict_post_hooks`` dicts that glasstorch used to create lazily.  ``vars(module)`` lists
  torch's keys, and ``torch.save(model, f)`` of a whole model (pruned or not) pickles the same bytes
  count as torch, so "model size" reports (``os.path.getsize`` / ``BytesIO.tell()``) match.
* ``torch.save`` of a sparse COO tensor wrote it densified (a strided tensor came back from ``load``),
  and a sparse CSR one likewise; ``load`` refused torch's sparse checkpoints.  Both layouts are now saved
  as torch saves them (``torch._utils._rebuild_sparse_tensor`` over indices and values: same bytes) and
  load back, in glasstorch and in torch, with their layout, indices, values and coalesced flag.
"""
import io

import pytest
import torch
import torch.nn.utils.prune  # noqa: F401 - as programs do: prune is imported on demand

import glasstorch
import glasstorch.nn.utils.prune  # noqa: F401

BUILD = {
    "linear": lambda m: m.nn.Linear(4, 3),
    "conv": lambda m: m.nn.Conv2d(1, 2, 3),
    "batchnorm": lambda m: m.nn.BatchNorm1d(3),
    "embedding": lambda m: m.nn.Embedding(5, 2),
    "sequential": lambda m: m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Linear(4, 2)),
    "layernorm": lambda m: m.nn.LayerNorm(3),
}


def _pruned(m):
    lin = m.nn.Linear(4, 3)
    m.nn.utils.prune.l1_unstructured(lin, "weight", amount=0.5)
    return lin


class _Custom:
    """A user module subclass: its own attributes come after torch's."""

    @staticmethod
    def build(m):
        class Net(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = m.nn.Linear(2, 2)
                self.scale = 2.0
        return Net()


@pytest.mark.parametrize("kind", sorted(BUILD) + ["pruned", "custom"])
def test_module_vars_order_is_torch(kind):
    def build(m):
        m.manual_seed(0)
        if kind == "pruned":
            return _pruned(m)
        if kind == "custom":
            return _Custom.build(m)
        return BUILD[kind](m)
    assert list(vars(build(glasstorch))) == list(vars(build(torch)))


@pytest.mark.parametrize("kind", ["linear", "sequential", "embedding", "pruned"])
def test_saved_whole_model_size_is_torch(kind):
    def size(m):
        m.manual_seed(0)
        model = _pruned(m) if kind == "pruned" else BUILD[kind](m)
        buf = io.BytesIO()
        m.save(model, buf)
        return buf.tell()
    assert size(glasstorch) == size(torch)


def test_hook_dicts_start_empty_and_still_work():
    """The eagerly created hook dicts are empty and the hooks registered into them still run."""
    for m in (torch, glasstorch):
        lin = m.nn.Linear(2, 2)
        assert len(lin._state_dict_pre_hooks) == 0 and len(lin._load_state_dict_pre_hooks) == 0
        assert len(lin._load_state_dict_post_hooks) == 0
    seen = {}
    for m in (torch, glasstorch):
        calls = []
        lin = m.nn.Linear(2, 2)
        lin.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append("pre"))
        lin.register_load_state_dict_post_hook(lambda mod, keys: calls.append("post"))
        lin.load_state_dict(lin.state_dict())
        seen[m] = calls
    assert seen[glasstorch] == seen[torch]


# ---- torch.save / torch.load of a sparse COO tensor --------------------------------------------------
def _coo(m, kind):
    if kind == "uncoalesced":
        return m.sparse_coo_tensor(m.tensor([[0, 1, 1], [2, 0, 2]]), m.tensor([1.5, -2.0, 3.0]), (2, 3))
    if kind == "coalesced":
        return _coo(m, "uncoalesced").coalesce()
    if kind == "from_dense":      # a pruned weight exported as COO
        return m.tensor([[0., 1.5, 0.], [2., 0., 0.]]).to_sparse()
    return m.sparse_coo_tensor(m.tensor([[1, 0]]), m.tensor([[1., 2.], [3., 4.]]), (3, 2))     # hybrid


def _saved(m, obj):
    buf = io.BytesIO()
    m.save(obj, buf)
    return buf


@pytest.mark.parametrize("kind", ["uncoalesced", "coalesced", "from_dense", "hybrid"])
def test_sparse_coo_save_load_round_trip(kind):
    """Saved as torch saves it (indices + values, not densified); loaded back as a COO tensor."""
    import warnings
    got = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # torch's "Sparse invariant checks are implicitly disabled"
        for m in (torch, glasstorch):
            buf = _saved(m, {"w": _coo(m, kind), "b": m.ones(2)})
            size = buf.tell()
            buf.seek(0)
            z = m.load(buf)["w"]
            got[m] = (size, str(z.layout), z.is_coalesced(), z._indices().tolist(), z._values().tolist(),
                      tuple(z.shape), str(z.dtype))
    assert got[glasstorch] == got[torch]


def test_sparse_coo_checkpoints_cross_load():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = _saved(glasstorch, _coo(glasstorch, "uncoalesced"))
        a.seek(0)
        z = torch.load(a)
        assert z.layout == torch.sparse_coo and not z.is_coalesced()
        assert z.to_dense().tolist() == _coo(torch, "uncoalesced").to_dense().tolist()
        b = _saved(torch, _coo(torch, "uncoalesced"))
        b.seek(0)
        g = glasstorch.load(b)
        assert str(g.layout) == "torch.sparse_coo" and not g.is_coalesced()
        assert g.to_dense().tolist() == z.to_dense().tolist()


def _csr(m):
    return m.tensor([[0., 1.5, 0.], [2., 0., 3.], [0., 0., 0.], [0., 4., 0.]]).to_sparse_csr()


def test_sparse_csr_save_load_round_trip_and_cross_load():
    import warnings
    got = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # "Sparse CSR tensor support is in beta state"
        for m in (torch, glasstorch):
            buf = _saved(m, {"w": _csr(m)})
            size = buf.tell()
            buf.seek(0)
            z = m.load(buf)["w"]
            got[m] = (size, str(z.layout), z.crow_indices().tolist(), z.col_indices().tolist(),
                      z.values().tolist(), tuple(z.shape))
        assert got[glasstorch] == got[torch]
        a = _saved(glasstorch, _csr(glasstorch))
        a.seek(0)
        assert torch.load(a).to_dense().tolist() == _csr(torch).to_dense().tolist()
        b = _saved(torch, _csr(torch))
        b.seek(0)
        g = glasstorch.load(b)
        assert str(g.layout) == "torch.sparse_csr" and g.to_dense().tolist() == _csr(torch).to_dense().tolist()
