"""Parity pins for sweep30d, continued (test_sweep30d.py has the first part): sparse tensors in
graph code.

Fixed in glasstorch:
- CSC elementwise methods keep the CSC layout, with torch's refusals (``csc * tensor``, ``csc + csr``);
- ``s.sum()`` of a COO tensor coalesced first: torch sums the stored values as they are (a bool tensor with
  a duplicate index counts it twice, int8 sums in int64, a float sum in storage order), and ``s.sum(dim)``
  sums integers and bools in int64 (sparse/_coo.py, _reduce.py);
- the dense ``softmax``/``log_softmax`` (method, ``torch.``, ``F.``) computed on a sparse tensor's dense
  view; torch's dispatcher refuses COO ('SparseCPU') and compressed ('SparseCsrCPU', after the dim check)
  inputs (ops/softmax.py);
- ``torch.sparse.sampled_addmm`` was missing: the CSR-masked product with torch's checks, bit for bit
  (its kernel's lane-ordered dot and fused ``alpha * dot + beta * v``) (sparse/_sampled_addmm.py);
- ``csr[i]`` (and every other index) recursed until RecursionError; integers and full slices now give
  torch's COO results, other indices torch's "Sparse CSR tensors do not have strides"; ``indices`` /
  ``coalesce`` / ``is_coalesced`` / ``_indices`` / ``_values`` / ``index_select`` / ``narrow`` /
  comparisons / ``numpy`` / ``to_dense(dtype)`` raise torch's errors instead of answering as COO or dense;
  pickling keeps the CSR / CSC layout (was COO), ``torch.save``/``load`` of a CSC matrix keeps it (was
  dense), ``deepcopy`` raises torch's storage error; a CSC matrix's strides/contiguity/storage errors name
  CSC; products of integer or half CSR matrices raise MKL's "not implemented for" errors, a vector of
  another dtype torch's addmv error (sparse/_compressed_misc.py, _storage_meta.py, _csr.py,
  serialization.py, _serialization_globals.py);
- ``torch.equal`` / ``Tensor.equal`` with a sparse operand (COO, CSR, CSC) compared the dense views;
  torch's dispatcher refuses it (ops/comparison.py).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._sweep30d_helpers import D, same_repr


# ------------------------------------------------------------------ CSC elementwise ops
CSC_OPS = {
    "abs": lambda m, c: c.abs(), "sqrt": lambda m, c: c.sqrt(), "neg": lambda m, c: -c, "sin": lambda m, c: c.sin(),
    "relu": lambda m, c: c.relu(), "mul_scalar": lambda m, c: c * 2, "rmul_scalar": lambda m, c: 3 * c,
    "add_csc": lambda m, c: c + c, "double": lambda m, c: c.double(), "to": lambda m, c: c.to(m.float64),
    "long": lambda m, c: c.long(), "add_dense": lambda m, c: c + c.to_dense(), "mul_csc": lambda m, c: c * c,
    "mul_dense": lambda m, c: c * c.to_dense(), "mul_csr": lambda m, c: c * c.to_sparse_csr(),
    "csr_mul_csc": lambda m, c: c.to_sparse_csr() * c, "add_csr": lambda m, c: c + c.to_sparse_csr(),
    "csr_add_csc": lambda m, c: c.to_sparse_csr() + c, "sub": lambda m, c: c - c, "div": lambda m, c: c / 2,
    "nan_to_num": lambda m, c: c.nan_to_num(),
}


@pytest.mark.parametrize("name", sorted(CSC_OPS))
def test_csc_elementwise_layout(name):
    x = np.array([[0., 1., 0.], [2., 0., -3.]], np.float32)
    same_repr(lambda m, d: CSC_OPS[name](m, d.to_sparse_csc()), x)


# ------------------------------------------------------------------ COO sums count each stored value
COO_SUMS = {
    "bool_sum": lambda m, s: s.bool().sum(),
    "bool_sum_dtype": lambda m, s: s.bool().sum(dtype=m.float32),
    "bool_sum_dim": lambda m, s: s.bool().sum(0),
    "bool_sum_dim_keepdim": lambda m, s: s.bool().sum(1, keepdim=True),
    "bool_sparse_sum": lambda m, s: m.sparse.sum(s.bool()),
    "bool_sparse_sum_dim": lambda m, s: m.sparse.sum(s.bool(), 0),
    "int8_sum": lambda m, s: (s * 60).to(m.int8).sum(),
    "int8_sum_dim": lambda m, s: (s * 60).to(m.int8).sum(0),
    "uint8_sum": lambda m, s: (s * 60).to(m.uint8).sum(),
    "int_sum_dim_dtype": lambda m, s: s.int().sum(0, dtype=m.int32),
    "float_sum": lambda m, s: s.sum(),
    "half_sum": lambda m, s: s.half().sum(),
    "grad": lambda m, s: s.detach().requires_grad_().sum(),
}


@pytest.mark.parametrize("name", sorted(COO_SUMS))
def test_coo_sum_counts_stored_values(name):
    idx = np.array([[0, 1, 1, 2, 2, 0], [1, 0, 2, 1, 2, 1]])
    vals = np.array([1., 2., 3., 4., 5., 6.], np.float32)
    same_repr(lambda m, i, v: COO_SUMS[name](m, m.sparse_coo_tensor(i, v, (3, 3))), idx, vals)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(0, 10 ** 6), st.sampled_from([np.float32, np.float64]))
def test_coo_sum_is_the_stored_values_sum(nnz, seed, dtype):
    # torch sums the stored values in storage order (duplicates and all), not the coalesced ones
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, 5, (2, nnz))
    vals = (rng.standard_normal(nnz) * 10.0 ** rng.uniform(-3, 3, nnz)).astype(dtype)
    same_repr(lambda m, i, v: m.sparse_coo_tensor(i, v, (5, 5)).sum(), idx, vals)


# ------------------------------------------------------------------ dense softmax refuses sparse layouts
SOFTMAX_FORMS = {
    "method": lambda m, s: s.softmax(1), "log_method": lambda m, s: s.log_softmax(1),
    "torch": lambda m, s: m.softmax(s, 0), "torch_log": lambda m, s: m.log_softmax(s, 0),
    "F": lambda m, s: m.nn.functional.softmax(s, 0, dtype=m.float64),
    "F_log": lambda m, s: m.nn.functional.log_softmax(s, 1),
    "bad_dim": lambda m, s: s.softmax(5), "int": lambda m, s: s.long().softmax(1),
    "softmin": lambda m, s: m.nn.functional.softmin(s, 0),
}


@pytest.mark.parametrize("layout", ["coo", "csr", "csc"])
@pytest.mark.parametrize("name", sorted(SOFTMAX_FORMS))
def test_dense_softmax_refuses_sparse(layout, name):
    conv = {"coo": lambda x: x.to_sparse(), "csr": lambda x: x.to_sparse_csr(), "csc": lambda x: x.to_sparse_csc()}
    same_repr(lambda m, x: SOFTMAX_FORMS[name](m, conv[layout](x)), D)


# ------------------------------------------------------------------ torch.sparse.sampled_addmm
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 20), st.integers(1, 6), st.integers(0, 40), st.floats(0, 1), st.integers(0, 10 ** 6),
       st.sampled_from([1.0, 2.0, 0.3, -1.5]), st.sampled_from([1.0, 0.5, 0.0, 1.7]),
       st.sampled_from([np.float32, np.float64]))
def test_sampled_addmm_bits(m_, n, k, density, seed, alpha, beta, dtype):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m_, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    s = (rng.standard_normal((m_, n)) * (rng.random((m_, n)) < density)).astype(dtype)
    same_repr(lambda m, x, y, z: m.sparse.sampled_addmm(x.to_sparse_csr(), y, z, alpha=alpha, beta=beta), s, a, b)
    same_repr(lambda m, x, y, z: m.sparse.sampled_addmm(x.to_sparse_csr(), y, z, alpha=alpha,
                                                       beta=beta).values().numpy().tobytes(), s, a, b)


SAMPLED = {
    "shape_n": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3, 2), m.ones(2, 4)),
    "int": lambda m, M: m.sparse.sampled_addmm(M.long(), m.ones(3, 2).long(), m.ones(2, 3).long()),
    "int_self": lambda m, M: m.sparse.sampled_addmm(M.long(), m.ones(3, 2), m.ones(2, 3)),
    "int_and_shape": lambda m, M: m.sparse.sampled_addmm(M.long(), m.ones(3, 2).long(), m.ones(5, 3).long()),
    "1d_mat2": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3, 2), m.ones(2)),
    "3d_mat1": lambda m, M: m.sparse.sampled_addmm(M, m.ones(1, 3, 2), m.ones(2, 3)),
    "coo_mat2": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3, 2), m.ones(2, 3).to_sparse()),
    "csr_mat2": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3, 2), m.ones(2, 3).to_sparse_csr()),
    "dtype_and_shape": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3, 4).double(), m.ones(2, 3)),
    "1d_and_dtype": lambda m, M: m.sparse.sampled_addmm(M, m.ones(3).double(), m.ones(2, 3)),
    "csc_input": lambda m, M: m.sparse.sampled_addmm(M.to_dense().to_sparse_csc(), m.ones(3, 2).double(), m.ones(2, 3)),
    "coo_input": lambda m, M: m.sparse.sampled_addmm(M.to_dense().to_sparse(), m.ones(3, 2), m.ones(2, 3)),
    "dense_input": lambda m, M: m.sparse.sampled_addmm(M.to_dense(), m.ones(3, 2), m.ones(2, 3)),
    "bool": lambda m, M: m.sparse.sampled_addmm(M.bool(), m.ones(3, 2).bool(), m.ones(2, 3).bool()),
    "half": lambda m, M: m.sparse.sampled_addmm(M.half(), m.ones(3, 2).half(), m.ones(2, 3).half()),
    "rows": lambda m, M: m.sparse.sampled_addmm(M, m.ones(2, 2), m.ones(2, 3)),
    "kwargs": lambda m, M: m.sparse.sampled_addmm(input=M, mat1=m.ones(3, 2), mat2=m.ones(2, 3), beta=2, alpha=3),
    "not_tensor": lambda m, M: m.sparse.sampled_addmm(M, 1, m.ones(2, 3)),
    "nan_beta0": lambda m, M: m.sparse.sampled_addmm(M * float("nan"), m.ones(3, 2), m.ones(2, 3), beta=0),
    "empty_k_neg": lambda m, M: m.sparse.sampled_addmm(-M, m.ones(3, 0), m.ones(0, 3), beta=0),
}


@pytest.mark.parametrize("name", sorted(SAMPLED))
def test_sampled_addmm_cases(name):
    same_repr(lambda m, x: SAMPLED[name](m, x.to_sparse_csr()), np.eye(3, dtype=np.float32))


# ------------------------------------------------------------------ the rest of a compressed matrix's surface
SURFACE = {
    "getitem": lambda m, c: c[0], "getitem_neg": lambda m, c: c[-1], "getitem_2d": lambda m, c: c[0, 1],
    "getitem_row_slice": lambda m, c: c[1, :], "getitem_col": lambda m, c: c[:, 0],
    "getitem_0d": lambda m, c: c[m.tensor(1)],
    "getitem_partial_slice": lambda m, c: c[0:2], "getitem_none": lambda m, c: c[None],
    "getitem_ellipsis": lambda m, c: c[...],
    "getitem_tensor": lambda m, c: c[m.tensor([0])], "getitem_list": lambda m, c: c[[0, 1]],
    "getitem_bool": lambda m, c: c[True],
    "getitem_too_many": lambda m, c: c[0, 1, 2], "getitem_oob": lambda m, c: c[5], "unbind": lambda m, c: c.unbind(0),
    "select": lambda m, c: c.select(1, 0),
    "indices": lambda m, c: c.indices(), "coalesce": lambda m, c: c.coalesce(),
    "is_coalesced": lambda m, c: c.is_coalesced(),
    "_indices": lambda m, c: c._indices(), "_values": lambda m, c: c._values(), "values": lambda m, c: c.values(),
    "index_select": lambda m, c: c.index_select(0, m.tensor([0, 2])), "narrow": lambda m, c: c.narrow(0, 0, 2),
    "eq": lambda m, c: c == c, "ne_scalar": lambda m, c: c != 0, "gt": lambda m, c: c > 0, "ge": lambda m, c: c.ge(c),
    "numpy": lambda m, c: c.numpy(), "to_dense_dtype": lambda m, c: c.to_dense(m.float64),
    "to_dense": lambda m, c: c.to_dense(), "stride": lambda m, c: c.stride(),
    "is_contiguous": lambda m, c: c.is_contiguous(),
    "contiguous": lambda m, c: c.contiguous(), "storage": lambda m, c: c.untyped_storage(),
    "deepcopy": lambda m, c: __import__("copy").deepcopy(c),
    "pickle": lambda m, c: __import__("pickle").loads(__import__("pickle").dumps(c)),
    "save_load": lambda m, c: _save_load(m, c),
    "mm_long": lambda m, c: c.long() @ m.ones(3, 2, dtype=m.long),
    "mv_long": lambda m, c: c.long() @ m.ones(3, dtype=m.long),
    "mm_half": lambda m, c: c.half() @ m.ones(3, 2, dtype=m.half),
    "mv_f64": lambda m, c: c @ m.ones(3, dtype=m.float64),
    "mv_f64_mat": lambda m, c: c.double() @ m.ones(3), "mm_f64": lambda m, c: c @ m.ones(3, 2, dtype=m.float64),
    "torch_mm_f64": lambda m, c: m.mm(c, m.ones(3, 2, dtype=m.float64)),
    "sparse_mm_f64": lambda m, c: m.sparse.mm(c, m.ones(3, 2, dtype=m.float64)),
    "mm_3d": lambda m, c: c @ m.ones(1, 3, 2), "mv_mismatch": lambda m, c: c @ m.ones(2),
}


def _save_load(m, c):
    import io
    buf = io.BytesIO()
    m.save(c, buf)
    buf.seek(0)
    return m.load(buf)


@pytest.mark.parametrize("layout", ["csr", "csc"])
@pytest.mark.parametrize("name", sorted(SURFACE))
def test_compressed_surface(layout, name):
    x = np.array([[0., 1., 0.], [2., 0., -3.], [0., 0., 4.]], np.float32)
    same_repr(lambda m, d: SURFACE[name](m, getattr(d, f"to_sparse_{layout}")()), x)


@pytest.mark.parametrize("pair", ["coo_coo", "coo_dense", "dense_coo", "dense_csr", "csr_dense", "csc_csc", "dense_dense"])
def test_equal_refuses_sparse_layouts(pair):
    conv = {"coo": lambda x: x.to_sparse(), "csr": lambda x: x.to_sparse_csr(), "csc": lambda x: x.to_sparse_csc(),
            "dense": lambda x: x}
    a, b = pair.split("_")
    same_repr(lambda m, x: (m.equal(conv[a](x), conv[b](x)), conv[a](x).equal(conv[b](x))), D)
