"""Parity pins for sweep27d (anomaly detection, uncertainty estimation and active learning programs).

Fixed in glasstorch:
- ``quantile`` / ``nanquantile`` check in torch's order, with torch's messages (all "quantile()",
  nanquantile's too): a Python q's range, the interpolation name (a non-str one is the parser's
  TypeError), the input's size, q's dim, the input's dtype, q's dtype, then ``out``'s dtype ("out
  tensor must be same dtype as the input tensor", which glasstorch did not check at all), the dim,
  and only then q tensor's values; ``out=`` is written with ``copy_`` as torch's composite does, so
  an input that requires grad is no error: the result carries CopyBackwards and backpropagates
  (ops/quantile.py, moved out of ops/stats.py);
- ``F.nll_loss`` (and ``cross_entropy`` with class indices, with or without label smoothing, and
  ``NLLLoss`` / ``CrossEntropyLoss``) refuse class weights that require grad, as torch's autograd
  does ("The function 'nll_loss_forward' (nll_loss2d_forward for spatial inputs) is not
  differentiable with respect to argument 'weight'"), where nll_loss_nd hands over; a complex
  input's refusal and the weight's dtype check come after the target and weight-shape checks, and a
  weight that is not 1-d is refused as torch refuses it (nn/_ops/loss_nll.py);
- ``cross_entropy`` with class-probability targets differentiates the class weights (torch's
  ``weight.view(1, C, 1, ...)`` factor; glasstorch dropped their gradient), refuses weights that
  are not 1-d, fills an empty batch's "mean" with nan (FillBackward2) as torch, and checks the
  weights (and label_smoothing, on the index path) before its log_softmax, so an integer input or a
  0-d one meets torch's error (nn/_ops/cross_entropy_parts.py, nn/functional.py);
- ``F.nll_loss`` of a 1-d input is 0-d also unreduced (glasstorch gave shape [1] for a [1] target),
  and its backward refuses that one-element target as torch's does ("size mismatch (got input: [C],
  target: [1])"); an empty 3-d / 5-d+ input is viewed as (N, C, 0, 0) as torch does (glasstorch hit
  an ambiguous -1 view); a weight that is not a tensor is the parser's TypeError (nll_loss_nd,
  cross_entropy_loss) (nn/_ops/loss_nll.py, nn/_ops/cross_entropy_parts.py);
- ``F.binary_cross_entropy`` checks, element by element as torch's kernel, that the input and then
  the target lie in [0, 1] (NaN fails; glasstorch checked neither the target nor NaN), and takes
  the weight as torch's Python does: expanded to broadcast_shapes(target, weight) (torch's
  "Attempting to broadcast ..." error) then multiplied in place ("output with shape [..] doesn't
  match the broadcast shape [..]"), no longer NumPy's broadcast errors (nn/_ops/loss.py).

More pins of this sweep (histc, generator=, igamma's gradient): test_sweep27d_more.py.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_error, same_on_both, same_outcome

X = np.array([[0.3, -1.2], [2.5, 0.7], [-0.4, 1.9], [1.1, -2.2], [0.05, 0.6]])


# --- quantile -------------------------------------------------------------------------------------

QUANTILE_CALLS = [
    "f(t.randn(3), t.tensor([0.5]).double())",
    "f(t.randn(3), t.tensor([[0.5]]))",
    "f(t.randn(3), 1.5)",
    "f(t.randn(3), float('nan'))",
    "f(t.randn(3), t.tensor([1.5]))",
    "f(t.randn(3), t.tensor([float('nan')]))",
    "f(t.randn(3), 0.5, interpolation='x')",
    "f(t.randn(3), 0.5, interpolation=1)",
    "f(t.randn(3), 0.5, interpolation=None)",
    "f(t.randn(3).long(), t.tensor([[0.5]]))",
    "f(t.randn(3).long(), 1.5)",
    "f(t.randn(3).long(), 0.5, interpolation='x')",
    "f(t.empty(0), 1.5)",
    "f(t.empty(0), 0.5, interpolation='x')",
    "f(t.empty(0).long(), t.tensor([[0.5]]))",
    "f(t.randn(3), t.tensor([[0.5]]), interpolation='x')",
    "f(t.randn(3), t.tensor([1.5]), interpolation='x')",
    "f(t.randn(3), t.tensor([1.5]), dim=3)",
    "f(t.randn(3), 0.5, dim=3, interpolation='x')",
    "f(t.randn(3), 0.5, dim=3)",
    "f(t.randn(3), 0.5, out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 0.5, out=t.empty((), dtype=t.int64))",
    "f(t.randn(3).double(), 0.5, out=t.empty(()))",
    "f(t.randn(3), t.tensor([0.5]), out=t.empty((), dtype=t.float64))",
    "f(t.randn(3).long(), 0.5, out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), t.tensor([0.5]).double(), out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 1.5, out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), t.tensor([1.5]), out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 0.5, interpolation='x', out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 0.5, dim=3, out=t.empty((), dtype=t.float64))",
    "f(t.empty(0), 0.5, out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 0.5, out=[1])",
    "f([1.0, 2.0], 0.5)",
    "f(t.randn(3), 0.5, out=t.empty(3))",
    "f(t.randn(2, 3), 0.5, dim=None, keepdim=True, out=t.empty(5))",
    "f(t.randn(2, 3), t.tensor([0.5, 0.2]), dim=None, keepdim=True, out=t.empty(5))",
    "f(t.randn(2, 3), t.tensor([0.5, 0.2]), dim=1, keepdim=True, out=t.empty(2, 2, 1))",
    "f(t.randn(()), t.tensor([0.5, 0.2]), dim=0, keepdim=True, out=t.empty(5))",
    "f(t.randn(()), 0.2, dim=-1, out=t.empty(5))",
    "f(t.randn(3), t.tensor([]), out=t.empty(3))",
    "f(t.randn(4), t.tensor([0.25, 0.5]), out=t.zeros(4)[::2])",
    "f(t.randn(3, requires_grad=True), t.tensor([[0.5]]), out=t.empty(()))",
    "f(t.randn(3, requires_grad=True), 0.5, out=t.empty((), dtype=t.float64))",
    "f(t.randn(3), 0.5, out=t.empty((), requires_grad=True))",
    "f(t.randn(3), 0.5, out=t.empty(3, requires_grad=True))",
    "t.randn(3).quantile(0.5, interpolation=None)",
    "t.randn(3).nanquantile(t.tensor([0.5, 0.1]).double())",
]


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("call", QUANTILE_CALLS)
def test_quantile_checks_in_torchs_order(name, call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"t": m, "f": getattr(m, name)})
    same_outcome(fn)


def _out_of(m, x, name, q, dim, keepdim, interpolation):
    """quantile written into ``out``; also the returned tensor must be ``out`` itself."""
    f = getattr(m, name)
    qq = m.tensor(q, dtype=x.dtype) if isinstance(q, list) else q
    want = f(x.detach(), qq, dim, keepdim, interpolation=interpolation)
    out = m.full((7,), -1.0, dtype=x.dtype)[:0]          # an empty out: resized without a warning
    r = f(x.detach(), qq, dim, keepdim, interpolation=interpolation, out=out)
    assert r is out
    return [r, want]


@settings(max_examples=40, deadline=None)
@given(q=st.one_of(st.floats(0, 1), st.lists(st.floats(0, 1), min_size=0, max_size=3)),
       dim=st.sampled_from([None, 0, 1, -1]), keepdim=st.booleans(),
       interpolation=st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]),
       name=st.sampled_from(["quantile", "nanquantile"]), dt=st.sampled_from([np.float32, np.float64]))
def test_quantile_out_matches_the_returned_result(q, dim, keepdim, interpolation, name, dt):
    x = X.astype(dt)
    x[1, 1] = np.nan if name == "nanquantile" else x[1, 1]
    same_on_both(lambda m, a: _out_of(m, a, name, q, dim, keepdim, interpolation), [x], grad=False)


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_out_that_requires_grad_backpropagates(name):
    # torch's out overload is a composite ending in out.copy_(result): CopyBackwards, and the
    # gradient reaches the input through the quantile (none to the overwritten out)
    def fn(m, x):
        q = m.tensor([0.2, 0.8], dtype=x.dtype)
        out = x[:2] * 0
        return getattr(m, name)(x, q, dim=0, out=out)
    same_on_both(fn, [X])
    same_on_both(lambda m, x: getattr(m, name)(x, 0.5, out=x.sum() * 0), [X])


# --- nll_loss / cross_entropy with weights --------------------------------------------------------

P = np.random.default_rng(0).standard_normal((6, 4))
Q = np.random.default_rng(1).random((6, 4))
W = np.array([0.5, 2.0, 1.0, 0.25])
Y = np.array([0, 1, 2, 3, 0, 1])

NLL_CALLS = [
    "F.nll_loss(p, y, weight=w)",
    "F.nll_loss(p, y, weight=w, reduction='none')",
    "F.nll_loss(p, y, weight=w, ignore_index=1)",
    "F.nll_loss(p[0], y[:1], weight=w)",
    "F.nll_loss(p.view(1, 4, 6, 1).expand(2, 4, 6, 1) * 1, y.view(1, 6, 1).expand(2, 6, 1), weight=w)",
    "F.nll_loss(p.view(1, 4, 3, 2, 1), y.view(1, 3, 2, 1), weight=w)",
    "F.nll_loss(p.view(1, 4, 3, 2), y.view(1, 6), weight=w)",
    "F.nll_loss(p.view(1, 4, 3, 2, 1), y.view(1, 6), weight=w)",
    "F.nll_loss(p.view(2, 4, 3), y.view(2, 3)[:, :2], weight=w)",
    "F.nll_loss(p.view(2, 4, 3), y.view(2, 3).float(), weight=w)",
    "F.nll_loss(p, y[:3], weight=w)",
    "F.nll_loss(p, y.float(), weight=w)",
    "F.nll_loss(p, y.view(6, 1), weight=w)",
    "F.nll_loss(p, y + 5, weight=w)",
    "F.nll_loss(p, y, weight=w[:3])",
    "F.nll_loss(p, y, weight=w.double())",
    "F.nll_loss(p.int(), y, weight=w)",
    "F.nll_loss(p.cfloat(), y, weight=w)",
    "F.cross_entropy(p, y, weight=w)",
    "F.cross_entropy(p, y, weight=w, label_smoothing=0.1)",
    "F.cross_entropy(p, y, weight=w, label_smoothing=0.2, ignore_index=1, reduction='none')",
    "F.cross_entropy(p, y, weight=w, label_smoothing=2.0)",
    "nn.NLLLoss(weight=w)(p, y)",
    "nn.CrossEntropyLoss(weight=w)(p, y)",
]


@pytest.mark.parametrize("call", NLL_CALLS)
def test_nll_loss_refuses_weights_that_require_grad(call):
    def fn(m):
        env = {"F": m.nn.functional, "nn": m.nn, "p": m.from_numpy(P.astype(np.float32)),
               "y": m.from_numpy(Y), "w": m.from_numpy(W.astype(np.float32)).requires_grad_(True)}
        return eval(call, env)
    same_error(fn)


@pytest.mark.parametrize("call", NLL_CALLS[:8] + NLL_CALLS[18:21])
def test_nll_loss_takes_the_same_weights_without_grad(call):
    def fn(m):
        env = {"F": m.nn.functional, "nn": m.nn, "p": m.from_numpy(P.copy()), "y": m.from_numpy(Y),
               "w": m.from_numpy(W.copy())}
        with m.no_grad():
            env["w"].requires_grad_(True)
            return eval(call, env)
    same_outcome(fn, rtol=1e-12, atol=1e-12)


NLL_ORDER = [
    "F.nll_loss(t.randn(6, 4).cfloat(), t.zeros(3).long())",
    "F.nll_loss(t.randn(6, 4).cfloat(), t.zeros(6, 1).long())",
    "F.nll_loss(t.randn(6, 4).cfloat(), t.zeros(6))",
    "F.nll_loss(t.randn(1, 4, 3, 2).cfloat(), t.zeros(1, 6).long())",
    "F.nll_loss(t.randn(1, 4, 3, 2).cfloat(), t.zeros(1, 3, 2).long())",
    "F.nll_loss(t.randn(1, 4, 3).cfloat(), t.zeros(1, 3).long())",
    "F.nll_loss(t.randn(4).cfloat(), t.zeros(1).long())",
    "F.nll_loss(t.randn(2, 4).cfloat(), t.zeros(2).long(), weight=t.rand(4))",
    "F.nll_loss(t.randn(2, 4).cfloat(), t.zeros(2).long(), weight=t.rand(5))",
    "F.nll_loss(t.randn(2, 4), t.zeros(2).long(), weight=t.rand(1, 4))",
    "F.nll_loss(t.randn(2, 4, 1, 1), t.zeros(2, 1, 1).long(), weight=t.rand(1, 4))",
    "F.nll_loss(t.randn(2, 4, 1, 1), t.zeros(2, 1, 1).long(), weight=t.rand(3))",
    "F.nll_loss(t.randn(2, 4), t.zeros(2).long(), weight=t.rand(4).double())",
]


@pytest.mark.parametrize("call", NLL_ORDER)
def test_nll_loss_checks_in_torchs_order(call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"F": m.nn.functional, "t": m})
    same_outcome(fn)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("wshape", [(1, 4), (2, 2), (4, 1, 1)])
def test_spatial_nll_loss_takes_class_weights_of_any_shape(reduction, wshape):
    # nll_loss2d checks only the weights' count; glasstorch indexed a (1, C) weight by rows
    x = P.ravel()[:24].reshape(1, 4, 3, 2)
    y = np.array([[[0, 3], [2, 1], [3, 3]]])
    same_on_both(lambda m, x, w: m.nn.functional.nll_loss(x, m.from_numpy(y), weight=w.reshape(wshape).detach(),
                                                          reduction=reduction), [x, W], rtol=1e-12, atol=1e-12)
    same_on_both(lambda m, x, w: m.nn.functional.cross_entropy(x, m.from_numpy(y), weight=w.reshape(wshape).detach(),
                                                               ignore_index=2, reduction=reduction),
                 [x, W], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ls", [0.0, 0.15])
@pytest.mark.parametrize("shape", [(6, 4), (4,), (2, 4, 3)])
def test_cross_entropy_with_probabilities_differentiates_the_weights(reduction, ls, shape):
    n = int(np.prod(shape))
    x = P.ravel()[:n].reshape(shape)
    q = Q.ravel()[:n].reshape(shape)

    def fn(m, x, q, w):
        return m.nn.functional.cross_entropy(x, q, weight=w, reduction=reduction, label_smoothing=ls)
    same_on_both(fn, [x, q, W], rtol=1e-12, atol=1e-12)
    same_on_both(fn, [x.astype(np.float32), q.astype(np.float32), W.astype(np.float32)], rtol=2e-6, atol=1e-6)


CE_CALLS = [
    "F.cross_entropy(t.empty(0, 4, requires_grad=True), t.empty(0, 4))",
    "F.cross_entropy(t.empty(0, 4, requires_grad=True), t.empty(0, 4), weight=t.rand(4))",
    "F.cross_entropy(t.empty(0, 4, requires_grad=True), t.empty(0, 4), reduction='sum')",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), weight=t.rand(1, 4))",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), weight=t.rand(4, 1))",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), weight=t.rand(5))",
    "F.cross_entropy(t.randn(3, 4).long(), t.rand(3, 4), weight=t.rand(5))",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), weight=t.rand(4).double(), reduction='none')",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), label_smoothing=1.5)",
    "F.cross_entropy(t.tensor(1.), t.tensor(0))",
    "F.cross_entropy(t.tensor(1.), t.tensor(0.5))",
    "F.cross_entropy(t.tensor(1.), t.tensor(0), label_smoothing=0.1)",
    "F.cross_entropy(t.randn(3, 4).long(), t.tensor([0, 1, 2]), label_smoothing=2.0)",
    "F.cross_entropy(t.randn(3, 4).long(), t.tensor([0, 1, 2]), label_smoothing=0.5)",
    "F.cross_entropy(t.randn(3, 4).long(), t.tensor([0, 1, 2]))",
]


@pytest.mark.parametrize("call", CE_CALLS)
def test_cross_entropy_checks_and_empty_batches(call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"F": m.nn.functional, "t": m})
    same_outcome(fn, rtol=1e-6, atol=1e-7)


def test_cross_entropy_of_an_empty_batch_has_torchs_graph():
    for reduction in ("mean", "sum", "none"):
        same_on_both(lambda m, x, q: m.nn.functional.cross_entropy(x, q, reduction=reduction),
                     [np.zeros((0, 3)), np.zeros((0, 3))])


NLL_SHAPES = [
    "F.nll_loss(t.randn(4), t.tensor([1]), reduction='none')",
    "F.nll_loss(t.randn(4), t.tensor([1]), weight=t.rand(4), reduction='none')",
    "F.nll_loss(t.randn(4), t.tensor(1), reduction='none')",
    "F.nll_loss(t.randn(4), t.tensor([1]), ignore_index=1, reduction='none')",
    "F.cross_entropy(t.randn(4), t.tensor([1]), reduction='none', label_smoothing=0.2)",
    "F.nll_loss(t.randn(0, 4, 2), t.zeros(0, 2, dtype=t.long))",
    "F.nll_loss(t.randn(0, 4, 2, requires_grad=True), t.zeros(0, 2, dtype=t.long), reduction='none')",
    "F.nll_loss(t.randn(0, 4, 2, requires_grad=True), t.zeros(0, 2, dtype=t.long), reduction='sum')",
    "F.nll_loss(t.randn(0, 4, 3, 2, 2), t.zeros(0, 3, 2, 2, dtype=t.long), weight=t.rand(4))",
    "F.nll_loss(t.randn(2, 0, 3), t.zeros(2, 3, dtype=t.long))",
    "F.cross_entropy(t.randn(0, 4, 2), t.zeros(0, 2, dtype=t.long), reduction='none')",
    "F.nll_loss(t.randn(3, 4), t.tensor([0, 1, 2]), weight=[1., 2., 3., 4.])",
    "F.nll_loss(t.randn(3, 4), t.tensor([0, 1, 2]), weight=1.0)",
    "F.cross_entropy(t.randn(3, 4), t.tensor([0, 1, 2]), weight=[1., 2., 3., 4.])",
    "F.cross_entropy(t.randn(3, 4), t.tensor([0, 1, 2]), weight=[1., 2., 3., 4.], label_smoothing=0.1)",
    "F.cross_entropy(t.randn(3, 4), t.rand(3, 4), weight=[1., 2., 3., 4.])",
]


@pytest.mark.parametrize("call", NLL_SHAPES)
def test_nll_loss_result_shapes_and_argument_types(call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"F": m.nn.functional, "t": m})
    same_outcome(fn, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_backward_of_a_1d_input(reduction, weighted):
    # a 0-d target backpropagates; torch's backward refuses the one-element 1-d target its forward took
    w = np.array([0.3, 1.0, 2.0, 0.5])
    kw = lambda m: {"weight": m.from_numpy(w)} if weighted else {}        # noqa: E731
    same_on_both(lambda m, x: m.nn.functional.nll_loss(x, m.tensor(2), reduction=reduction, **kw(m)), [W])
    same_error(lambda m: m.nn.functional.nll_loss(x := m.from_numpy(W.copy()).requires_grad_(True), m.tensor([2]),
                                                   reduction=reduction, **kw(m)).sum().backward())
    same_error(lambda m: m.autograd.grad(m.nn.functional.cross_entropy(
        x := m.from_numpy(W.copy()).requires_grad_(True), m.tensor([2]), reduction=reduction), x, create_graph=True))


BCE_CALLS = [
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([0., 1.5]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([0., -0.1]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([0., float('nan')]))",
    "F.binary_cross_entropy(t.tensor([0.5, float('nan')]), t.tensor([0., 1.]))",
    "F.binary_cross_entropy(t.tensor([0.5, 1.5]), t.tensor([0., -0.1]))",
    "F.binary_cross_entropy(t.tensor([0.5, 1.5]), t.tensor([2., 0.]))",
    "F.binary_cross_entropy(t.tensor([[0.5, 0.2], [0.1, 1.5]]), t.tensor([[0.5, 0.2], [2., 0.]]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([0., 1.5]), reduction='none')",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5], requires_grad=True), t.tensor([0., 1.5]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]).double(), t.tensor([0., 1.5]).double())",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]).half(), t.tensor([0., 1.5]).half())",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([0., 1.5]).double())",
    "nn.BCELoss()(t.tensor([0.5, 0.5]), t.tensor([0., 1.5]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([1., 0.]), weight=t.ones(3, 1))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([1., 0.]), weight=t.ones(1, 2))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([1., 0.]), weight=t.ones(3))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([2., 0.]), weight=t.ones(3, 1))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.5]), t.tensor([1., 0.]), weight=t.ones(1, 1, requires_grad=True))",
    "F.binary_cross_entropy(t.tensor([[0.5], [0.4]]), t.tensor([[1.], [0.]]), weight=t.tensor([2., 3.]))",
    "F.binary_cross_entropy(t.tensor([[0.5, 0.4]]), t.tensor([[1., 0.]]), weight=t.tensor([2., 3.]))",
    "F.binary_cross_entropy(t.tensor([0.5, 0.4]), t.tensor([1., 0.]), weight=t.tensor([1., 3.]).double())",
    "F.binary_cross_entropy(t.tensor([0.5, 0.4]), t.tensor([1., 0.]), weight=t.tensor([2]))",
    "F.binary_cross_entropy(t.rand(3), t.rand(3), weight=[1., 2., 3.])",
    "nn.BCELoss(weight=t.ones(3, 1))(t.rand(3), t.rand(3))",
    "nn.BCELoss(weight=t.tensor([0.5, 2., 1.]))(t.rand(3), t.rand(3))",
]


@pytest.mark.parametrize("call", BCE_CALLS)
def test_binary_cross_entropy_ranges_and_weights(call):
    def fn(m):
        m.manual_seed(0)
        return eval(call, {"F": m.nn.functional, "nn": m.nn, "t": m})
    same_outcome(fn)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.3, 1.0, -0.5, 1.5, float("nan")]), min_size=2, max_size=6),
       st.lists(st.sampled_from([0.0, 0.7, 1.0, -0.5, 1.5, float("nan")]), min_size=2, max_size=6))
def test_binary_cross_entropy_names_the_first_bad_element(xs, ts):
    n = min(len(xs), len(ts))
    same_outcome(lambda m: m.nn.functional.binary_cross_entropy(m.tensor(xs[:n]), m.tensor(ts[:n]),
                                                                reduction="none"))
