"""Parity pins for sweep30a (recommender systems programs), the sparse part: LightGCN-style code.

Fixed in glasstorch:
- the legacy sparse constructors ``torch.sparse.FloatTensor(indices, values, size)`` & co (LightGCN's and
  NGCF's reference code) exist: torch's four signatures, its once-per-process deprecation warnings, the
  values' own dtype kept, int64 indices required, the size unchecked, torch's errors for a plain sequence,
  another device or bad arguments; ``isinstance`` by COO layout and dtype, and a sparse tensor is no
  longer an instance of the dense ``torch.FloatTensor`` (sparse/_legacy.py, _legacy_ctor.py);
- ``Tensor.type('torch.sparse.DoubleTensor')`` converts the dtype only, as torch (which ignores the layout
  of the name), where glasstorch raised "invalid type" (ops/conversion.py).
"""
import warnings

import pytest
import torch

import glasstorch
from tests.parity._helpers import same_outcome


def _quiet(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


# ---- torch.sparse.FloatTensor & co ----

def _coo_parts(x):
    return str(x.dtype), tuple(x.shape), x.is_coalesced(), x._indices(), x._values(), x.to_dense()


def _iv(m):
    return m.tensor([[0, 1, 1], [2, 0, 2]]), m.tensor([3.0, 4.0, 5.0])


LEGACY_SPARSE = {
    "sized": lambda m: m.sparse.FloatTensor(*_iv(m), m.Size([2, 3])),
    "sized tuple": lambda m: m.sparse.FloatTensor(*_iv(m), (2, 3)),
    "pair": lambda m: m.sparse.FloatTensor(*_iv(m)),
    "values keep dtype": lambda m: m.sparse.FloatTensor(_iv(m)[0], _iv(m)[1].double(), (2, 3)),
    "double class, float values": lambda m: m.sparse.DoubleTensor(*_iv(m), (2, 3)),
    "long": lambda m: m.sparse.LongTensor(_iv(m)[0], m.tensor([1, 2, 3]), (2, 3)),
    "half": lambda m: m.sparse.HalfTensor(_iv(m)[0], _iv(m)[1].half(), (2, 3)),
    "hybrid": lambda m: m.sparse.FloatTensor(_iv(m)[0], m.ones(3, 2), (2, 3, 2)),
    "keywords": lambda m: m.sparse.FloatTensor(indices=_iv(m)[0], values=_iv(m)[1], size=(2, 3)),
    "one entry": lambda m: m.sparse.FloatTensor(_iv(m)[0][:, :1], _iv(m)[1][:1], (2, 3)),
    "shape": lambda m: m.sparse.FloatTensor(2, 3),
    "Size": lambda m: m.sparse.DoubleTensor(m.Size([2, 3])),
    "size keyword": lambda m: m.sparse.ByteTensor(size=(4,)),
    "empty": lambda m: m.sparse.IntTensor(),
    "cpu device": lambda m: m.sparse.FloatTensor(*_iv(m), (2, 3), device="cpu"),
    "int32 indices": lambda m: m.sparse.FloatTensor(_iv(m)[0].int(), _iv(m)[1], (2, 3)),
    "plain sequence": lambda m: m.sparse.FloatTensor((2, 3)),
    "meta device": lambda m: m.sparse.FloatTensor(2, 3, device="meta"),
    "one tensor": lambda m: m.sparse.FloatTensor(_iv(m)[1]),
    "dtype keyword": lambda m: m.sparse.FloatTensor(*_iv(m), (2, 3), dtype=m.float64),
    "string": lambda m: m.sparse.FloatTensor("a"),
    "sizes as varargs": lambda m: m.sparse.FloatTensor(*_iv(m), 2, 3),
    "lists": lambda m: m.sparse.FloatTensor([[0, 1]], [1.0, 2.0], (3,)),
    "float size": lambda m: m.sparse.FloatTensor(*_iv(m), (2, 3.5)),
}


@pytest.mark.parametrize("case", sorted(LEGACY_SPARSE))
def test_legacy_sparse_constructors(case):
    same_outcome(_quiet(lambda m: _coo_parts(LEGACY_SPARSE[case](m))))


def test_legacy_sparse_size_is_not_checked():
    def fn(m):
        x = m.sparse.FloatTensor(*_iv(m), (1, 3))       # (an index past the size: torch does not look)
        return tuple(x.shape), x._indices(), x._values()
    same_outcome(_quiet(fn))


def test_legacy_sparse_in_a_lightgcn_adjacency():
    def fn(m):
        r = m.tensor([[1.0, 0, 1], [0, 1, 1]])
        u, i = r.nonzero(as_tuple=True)
        rows, cols = m.cat([u, i + 2]), m.cat([i + 2, u])
        deg = m.bincount(rows, minlength=5).float()
        vals = deg[rows].pow(-0.5) * deg[cols].pow(-0.5)
        adj = m.sparse.FloatTensor(m.stack([rows, cols]), vals, m.Size([5, 5])).coalesce()
        e = m.sparse.mm(adj, m.arange(10.0).view(5, 2))
        return adj.to_dense(), e, adj.is_coalesced()
    same_outcome(_quiet(fn), rtol=1e-6, atol=1e-6)


def test_legacy_sparse_classes_and_isinstance():
    def fn(m):
        d = m.tensor([[0.0, 1.0], [2.0, 0.0]])
        cls = m.sparse.FloatTensor
        checks = (isinstance(d.to_sparse(), cls), isinstance(d, cls), isinstance(d.double().to_sparse(), cls),
                  isinstance(d.to_sparse(), m.FloatTensor), isinstance(d.to_sparse_csr(), m.FloatTensor),
                  isinstance(d, m.FloatTensor), isinstance(d.to_sparse(), m.sparse.DoubleTensor))
        return (checks, repr(cls).replace("glasstorch", "torch"), repr(type(cls)).replace("glasstorch", "torch"),
                str(cls.layout), cls.is_sparse, str(cls.dtype), cls.__module__.replace("glasstorch", "torch"),
                d.to_sparse().type(), sorted(n for n in dir(m.sparse) if n.endswith("Tensor") and n not in
                                             ("BFloat16Tensor", "Tensor", "SparseSemiStructuredTensor",
                                              "SparseTensor")))   # (glasstorch's own COO class)
    outs = [fn(m) for m in (torch, glasstorch)]
    assert outs[0] == outs[1]


def test_legacy_sparse_deprecation_warnings():
    """Each form warns once per process with torch's text (torch's own once-state is the process's: a form
    torch has warned about before this test is compared by its text in glasstorch alone)."""
    from glasstorch import _user_warning
    forms = {"sized": lambda m: m.sparse.FloatTensor(*_iv(m), (2, 3)), "pair": lambda m: m.sparse.FloatTensor(*_iv(m)),
             "shape": lambda m: m.sparse.FloatTensor(2, 3), "empty": lambda m: m.sparse.FloatTensor()}
    for form, call in forms.items():
        _user_warning.WARNED.discard("legacy_sparse_" + form)
        got = []
        for m in (torch, glasstorch):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                call(m)
                call(m)         # (the second call is silent)
            got.append([str(w.message) for w in caught if "deprecated" in str(w.message)])
        assert len(got[1]) == 1 and got[1][0].startswith("torch.sparse.SparseTensor(")
        assert got[0] in ([], got[1]), (got[0], got[1])


@pytest.mark.parametrize("name", ["torch.sparse.FloatTensor", "torch.sparse.DoubleTensor", "torch.sparse.LongTensor",
                                  "torch.sparse.BoolTensor", "torch.sparse.ComplexFloatTensor", "torch.FloatTensor",
                                  "sparse.FloatTensor", "torch.sparse.Tensor"])
@pytest.mark.parametrize("sparse", [False, True])
def test_type_with_a_sparse_type_name_converts_the_dtype_only(name, sparse):
    def fn(m):
        x = m.tensor([1.0, 0.0, 2.0])
        x = x.to_sparse() if sparse else x
        y = x.type(name)
        return str(y.layout), y.to_dense() if sparse else y, y.type()
    same_outcome(_quiet(fn))
