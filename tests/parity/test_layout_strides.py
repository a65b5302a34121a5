"""Output memory layouts: every op in tests/parity/_layout_cases.py, on every input layout there
(transposed, permuted, stepped slices, expanded, channels_last, size-1 dims, 0-d, empty), gives torch's
strides, torch's is_contiguous() and torch's values (bit for bit, random ops included: they draw in the
output's memory order).  Expectations come from torch at test time.

The rules behind them live in glasstorch/ops/_layout.py (TensorIterator outputs, contiguous kernels,
empty_like/clone's preserve_format).  Pairs left out of the grid (``UNMATCHED``) are listed in
docs/differences.md; each still runs with its values compared (``test_unmatched_pairs_keep_values``).
"""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import assert_same_array
from ._layout_cases import LAYOUTS, LAYOUTS4, OPS, OPS4, run

# (op, layout) pairs whose strides glasstorch does not match yet
UNMATCHED = {
    ("add_contig_first", "one"),   # C-contiguous first operand + a size-1 dim: the hot path skips the layout rule
    ("dropout_train", "empty"),    # dropout of an empty tensor keeps its strides in torch
    ("diff", "row1"),              # an empty result from slices of a non-dense input
    ("getitem_list", "expand3"), ("getitem_list", "one"),    # advanced indexing's restrided output
    ("adaptive_avg", "cl4"),       # an (N, C, 1, 1) channels_last result: the size-1 dims' strides
    # a non-dense input with a size-1 dim ("row1"): a C-contiguous intermediate whose size-1 dim has another
    # stride than torch's, or a composite that does not pass through the layout rules
    ("softsign", "row1"), ("int_and", "row1"), ("half_add", "row1"), ("int_add_float", "row1"), ("mse_none", "row1"),
    ("bce_logits", "row1"), ("smooth_l1", "row1"), ("huber", "row1"), ("smooth_l1", "one"), ("huber", "one"),
    # empty inputs: composites whose empty intermediates lose the input's strides
    ("clamp_min", "empty"), ("int_add_float", "empty"), ("bce_logits", "empty"), ("huber", "empty"),
    ("outer_mul", "empty"),
}

# float32 kernels whose last bits glasstorch does not reproduce on every layout (torch's vectorised
# exp/log/sin/erf polynomials, its normalisation reductions' order; also a NaN's sign bit for var_mean of
# an empty slice): compared to 1e-6 relative, 2e-7 absolute (the tightest that holds: a few float32 ulps, and
# gelu / group_norm results that cancel to about 1e-7 near zero);
# every other op bit for bit.  These are value differences on contiguous inputs too, not layout ones.
ULP_OPS = {"sin", "sigmoid", "atan2", "var_mean", "logsumexp_k", "gelu", "silu", "elu", "softplus", "softmax0",
           "softmin", "batch_norm_train", "group_norm", "group_norm4", "adaptive_avg", "expm1", "mish", "selu",
           "celu", "logsigmoid", "softmax_dt", "bce_logits",
           "sqrt"}     # (torch's strided float32 sqrt(19) is 4.3588986, one ulp below the correctly rounded value)


def _compare(op, fn, lay, mk, strides=True):
    """'' if glasstorch matches torch for op on layout lay, else what differs."""
    want, got = run(torch, fn, mk), run(glasstorch, fn, mk)
    if want[0] == "raise" or got[0] == "raise":
        return "" if want[:2] == got[:2] else f"{op}-{lay}: torch {want[:2]}, glasstorch {got[:2]}"
    if strides and got[:2] != want[:2]:
        return f"{op}-{lay}: (stride, is_contiguous) torch {want[:2]}, glasstorch {got[:2]}"
    if op == "empty_like":
        return "" if tuple(got[2].shape) == tuple(want[2].shape) else f"{op}-{lay}: shape"
    tol = (1e-6, 2e-7) if op in ULP_OPS else (0.0, 0.0)
    try:
        assert_same_array(want[2], got[2], *tol)
    except AssertionError as e:
        return f"{op}-{lay}: {e}"
    return ""


def _check(op, fn, layouts):
    bad = [m for lay, mk in layouts.items() if (m := _compare(op, fn, lay, mk, (op, lay) not in UNMATCHED))]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("op", list(OPS))
def test_output_layout_matches_torch(op):
    """Strides, is_contiguous() and values on every layout of LAYOUTS (UNMATCHED pairs: values only)."""
    _check(op, OPS[op], LAYOUTS)


@pytest.mark.parametrize("op", list(OPS4))
def test_nchw_output_layout_matches_torch(op):
    """conv, pooling, interpolate, pad, norms on contiguous and channels_last 4-d inputs."""
    _check(op, OPS4[op], LAYOUTS4)


def test_unmatched_pairs_still_differ_only_in_strides():
    """The list of known differences stays honest: every UNMATCHED pair is a real op-layout pair."""
    for op, lay in UNMATCHED:
        assert (op in OPS and lay in LAYOUTS) or (op in OPS4 and lay in LAYOUTS4), (op, lay)


def test_view_after_op_fails_or_succeeds_as_in_torch():
    """What programs see: ``y.view(-1)`` on a layout-preserving op's result raises torch's error, and on a
    contiguous-result op's result succeeds, exactly where torch's does."""
    outcomes = {}
    for m in (torch, glasstorch):
        x = m.arange(12.).reshape(3, 4).t()
        row = []
        for f in (lambda y: y.sort(0)[0], lambda y: y.cumsum(0), lambda y: y.softmax(1), lambda y: y + y.contiguous(),
                  lambda y: y.roll(1, 0), lambda y: y.index_fill(0, m.tensor([0]), 1.), lambda y: y.exp()):
            try:
                f(x).view(-1)
                row.append("ok")
            except RuntimeError as e:
                row.append(str(e))
        outcomes[m] = row
    assert outcomes[torch] == outcomes[glasstorch]


GRAD_OPS = {
    "exp": lambda x: x.exp(), "mul_contig": lambda x: x * x.detach().contiguous(), "softmax": lambda x: x.softmax(0),
    "cumsum": lambda x: x.cumsum(0), "sum_k": lambda x: x.sum(0, keepdim=True), "sort": lambda x: x.sort(0)[0],
    "roll": lambda x: x.roll(1, 0), "index_fill": lambda x: x.index_fill(0, x.new_zeros(1, dtype=x.new_zeros(0).long().dtype), 2.),
}


@pytest.mark.parametrize("lay", ["t2", "p3", "cl4", "one"])
@pytest.mark.parametrize("name", list(GRAD_OPS))
def test_grad_strides_match_torch(name, lay):
    """The leaf's .grad has torch's strides (AccumulateGrad keeps the gradient's layout when it matches
    the leaf's, else lays it out as the leaf) and torch's values."""
    res = {}
    for m in (torch, glasstorch):
        x = LAYOUTS[lay](m).detach().to(m.float64)
        x.requires_grad_(True)
        y = GRAD_OPS[name](x)
        g = m.from_numpy(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
        y.backward(g)
        res[m] = x.grad
    assert res[glasstorch].stride() == res[torch].stride()
    assert_same_array(res[torch], res[glasstorch], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lay", ["t2", "p3", "cl4"])
@pytest.mark.parametrize("name", ["cumsum", "cummax", "logcumsumexp", "softmax", "log_softmax", "layer_norm",
                                  "sort", "roll", "index_fill", "index_put", "renorm", "tril", "repeat", "cat",
                                  "gather", "rot90", "masked_fill", "sum_k", "mean_k", "where"])
def test_gradcheck_on_strided_inputs(name, lay):
    """Float64 central differences through the ops whose output layout changed, on strided inputs."""
    from glasstorch.autograd.gradcheck import gradcheck
    g = glasstorch
    fns = {
        "cumsum": lambda x: x.cumsum(0), "cummax": lambda x: x.cummax(-1)[0], "logcumsumexp": lambda x: x.logcumsumexp(0),
        "softmax": lambda x: x.softmax(0), "log_softmax": lambda x: x.log_softmax(-1),
        "layer_norm": lambda x: g.nn.functional.layer_norm(x, x.shape[-1:]), "sort": lambda x: x.sort(0)[0],
        "roll": lambda x: x.roll(1, 0), "index_fill": lambda x: x.index_fill(0, g.tensor([0]), -1.),
        "index_put": lambda x: x.index_put((g.tensor([0]),), g.tensor(1., dtype=g.float64)),
        "renorm": lambda x: x.renorm(2, 0, 1.), "tril": lambda x: x.tril(), "repeat": lambda x: x.repeat(2, *([1] * (x.dim() - 1))),
        "cat": lambda x: g.cat([x, x * 2]), "gather": lambda x: x.gather(0, g.zeros_like(x, dtype=g.long)),
        "rot90": lambda x: x.rot90(), "masked_fill": lambda x: x.masked_fill(x.detach() > 0, 0.),
        "sum_k": lambda x: x.sum(0, keepdim=True), "mean_k": lambda x: x.mean(-1, keepdim=True),
        "where": lambda x: g.where(x.detach() > 0, x, x * 3),
    }
    # distinct values (sort/cummax ties), away from zero (masked_fill, where)
    x = LAYOUTS[lay](g).detach().to(g.float64)
    x = (x * 0.37 + 0.05 * g.arange(x.numel(), dtype=g.float64).reshape(x.shape) + 0.01).requires_grad_(True)
    assert not x.is_contiguous()          # (the strided input the test is about)
    assert gradcheck(fns[name], (x,), eps=1e-6, atol=1e-5, rtol=1e-4)
