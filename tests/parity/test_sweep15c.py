"""Parity tests for the differences found by sweep 15c's programs (tests/programs/sweep15c_*.py):
classic algorithms and structured prediction (lasso, SVMs, HMMs, CTC, CRFs) and differentiable simulation."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both

RNG = np.random.default_rng(15)
S = RNG.standard_normal((4, 3)).astype(np.float32)
T = np.array([0, 1, 1, 2], np.int64)


# ---- F.multi_margin_loss: torch's argument checks, in its order ------------------------------------
MM_BAD = {
    "target_2d": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t[None]),
    "target_short": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t[:3]),
    "target_1d_input_two": lambda m, s, t: m.nn.functional.multi_margin_loss(s[0], t[:2]),
    "target_0d_input": lambda m, s, t: m.nn.functional.multi_margin_loss(s[0, 0], t[:2]),
    "input_3d": lambda m, s, t: m.nn.functional.multi_margin_loss(s[None], t[:2]),
    "no_classes": lambda m, s, t: m.nn.functional.multi_margin_loss(s[:, :0], t),
    "weight_2d": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t, weight=m.ones(1, 3)),
    "weight_2d_before_shape": lambda m, s, t: m.nn.functional.multi_margin_loss(s[None], t, weight=m.ones(1, 3)),
    "weight_size": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t, weight=m.ones(4, dtype=m.float64)),
    "weight_dtype": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t, weight=m.ones(3, dtype=m.float64)),
    "weight_dtype_before_range": lambda m, s, t: m.nn.functional.multi_margin_loss(
        s, m.tensor([0, 5, 1, 2]), weight=m.ones(3, dtype=m.float64)),
    "target_float": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t.float()),
    "target_int_before_range": lambda m, s, t: m.nn.functional.multi_margin_loss(s, m.tensor([0, 5, 1, 2]).int()),
    "target_byte": lambda m, s, t: m.nn.functional.multi_margin_loss(s, t.byte()),
    "input_int": lambda m, s, t: m.nn.functional.multi_margin_loss(s.int(), t.int()),
    "input_half": lambda m, s, t: m.nn.functional.multi_margin_loss(s.half(), t),
    "input_bool": lambda m, s, t: m.nn.functional.multi_margin_loss(s > 0, t),
    "input_complex": lambda m, s, t: m.nn.functional.multi_margin_loss(s.cfloat(), t),
    "shape_before_dtype": lambda m, s, t: m.nn.functional.multi_margin_loss(s.int(), t[:3].float()),
    "weight_requires_grad": lambda m, s, t: m.nn.functional.multi_margin_loss(
        s[None], t, weight=m.ones(3, requires_grad=True)),
    "target_out_of_range": lambda m, s, t: m.nn.functional.multi_margin_loss(s, m.tensor([0, -1, 1, 2])),
    "p3": lambda m, s, t: m.nn.MultiMarginLoss(p=3)(s, t),
}


@pytest.mark.parametrize("case", sorted(MM_BAD))
def test_multi_margin_loss_checks(case):
    same_error(lambda m: MM_BAD[case](m, m.from_numpy(S.copy()), m.from_numpy(T.copy())))


@pytest.mark.parametrize("kw", [{}, {"p": 2}, {"p": 2.0, "margin": 2}, {"reduction": "none"}, {"reduction": "sum"}])
def test_multi_margin_loss_values(kw):
    same_on_both(lambda m, s, t: m.nn.functional.multi_margin_loss(s, t, **kw), [S, T])
    same_on_both(lambda m, s, t: m.nn.functional.multi_margin_loss(s[0], t[1], **kw), [S, T])
    same_on_both(lambda m, s, t: m.nn.functional.multi_margin_loss(s[0, 0], t[0], **kw), [S, T])


def test_multi_margin_loss_weight_without_grad_mode():
    same_on_both(lambda m, s, t: m.no_grad()(m.nn.functional.multi_margin_loss)(
        s, t, weight=m.tensor([1.0, 2.0, 0.5], requires_grad=True)), [S, T], grad=False)


# ---- Tensor.cfloat / Tensor.cdouble ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["cfloat", "cdouble"])
@pytest.mark.parametrize("arr", [S, T, np.array([1 + 2j], np.complex128), np.array(True)])
def test_complex_conversions(name, arr):
    same_on_both(lambda m, x: getattr(x, name)(), [arr])


# ---- ctc_loss: the lengths as torch's argument parser takes them ------------------------------------
LP = np.log(RNG.dirichlet(np.ones(5), (6, 2))).astype(np.float32)
TG = np.array([[1, 2, 2], [3, 1, 0]], np.int64)
IL = np.array([6, 5], np.int64)
TL = np.array([3, 2], np.int64)

CTC_BAD = {
    "tuple_and_tensor": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, (6, 5), tl),
    "tensor_and_list": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, il, [3, 2]),
    "ints": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, 6, 3),
    "none": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, None, tl),
    "numpy": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, np.array([6, 5]), [3, 2]),
    "floats": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [6.0, 5.0], [3, 2]),
    "float_later": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [6, 5.0], [3, 2]),
    "none_later": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [6, 5], [3, None]),
    "bool_first": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [True, 5], [3, 2]),
    "nested": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [[6, 5]], [3, 2]),
    "one_tuple": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, (6,), tl),
    "tensors_in_list": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, [il[0], il[1]], tl),
    "range": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, range(5, 7), [3, 2]),
    "blank_bool": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, il, tl, blank=True),
    "blank_float": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, il, tl, blank=1.0),
    "zero_infinity_int": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, il, tl, zero_infinity=1),
    "module": lambda m, lp, tg, il, tl: m.nn.CTCLoss()(lp, tg, 6, tl),
    "log_probs_list": lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp.tolist(), tg, il, tl),
    "torch_four_args": lambda m, lp, tg, il, tl: m.ctc_loss(lp, tg, 6, tl),
    "torch_keywords": lambda m, lp, tg, il, tl: m.ctc_loss(lp, tg, 6, tl, 0, 1, zero_infinity=True),
    "torch_two_keywords": lambda m, lp, tg, il, tl: m.ctc_loss(lp, tg, 6, tl, blank=0, zero_infinity=True),
    "torch_seven": lambda m, lp, tg, il, tl: m.ctc_loss(lp, tg, (6,), tl, 0, 1, 1),
}


@pytest.mark.parametrize("case", sorted(CTC_BAD))
def test_ctc_loss_length_arguments(case):
    same_error(lambda m: CTC_BAD[case](m, *(m.from_numpy(a.copy()) for a in (LP, TG, IL, TL))))


@pytest.mark.parametrize("how", ["tuples", "lists", "tensors", "np_ints", "bool_later", "tensor_items", "empty_ok"])
def test_ctc_loss_accepted_lengths(how):
    lengths = {
        "tuples": lambda m, il, tl: ((6, 5), (3, 2)), "lists": lambda m, il, tl: ([6, 5], [3, 2]),
        "tensors": lambda m, il, tl: (il, tl), "np_ints": lambda m, il, tl: ([np.int64(6), 5], [3, 2]),
        "bool_later": lambda m, il, tl: ([6, 5], [3, True]), "tensor_items": lambda m, il, tl: ([il[0], il[1]], [3, 2]),
        "empty_ok": lambda m, il, tl: ([6, 5], [3, 2]),
    }[how]
    same_on_both(lambda m, lp, tg, il, tl: m.nn.functional.ctc_loss(lp, tg, *lengths(m, il, tl), reduction="none"),
                 [LP, TG, IL, TL], grad_rtol=1e-4, grad_atol=1e-6)   # torch's gradient kernel works in float32


# ---- torch.<loss>(...) at top level: the parser reads the Mean default as 0, no reduction -------------
A4, B4, C4 = (RNG.standard_normal((3, 4)).astype(np.float32) for _ in range(3))
Y3 = np.array([1.0, -1.0, 1.0], np.float32)
TOP_LOSSES = {
    "hinge_embedding_loss": lambda m, a, b, c, y: m.hinge_embedding_loss(a, m.ones(3, 4)),
    "kl_div": lambda m, a, b, c, y: m.kl_div(a, b.softmax(1)),
    "cosine_embedding_loss": lambda m, a, b, c, y: m.cosine_embedding_loss(a, b, y),
    "margin_ranking_loss": lambda m, a, b, c, y: m.margin_ranking_loss(a[:, 0], b[:, 0], y),
    "triplet_margin_loss": lambda m, a, b, c, y: m.triplet_margin_loss(a, b, c),
    "binary_cross_entropy_with_logits": lambda m, a, b, c, y: m.binary_cross_entropy_with_logits(a, b.sigmoid()),
    "ctc_loss": lambda m, a, b, c, y: m.ctc_loss(m.from_numpy(LP.copy()), m.from_numpy(TG.copy()), [6, 5], [3, 2]),
    "ctc_loss_sum": lambda m, a, b, c, y: m.ctc_loss(m.from_numpy(LP.copy()), m.from_numpy(TG.copy()), [6, 5],
                                                     [3, 2], 0, 2, False),
}


@pytest.mark.parametrize("name", sorted(TOP_LOSSES))
def test_top_level_losses_default_to_no_reduction(name):
    same_on_both(TOP_LOSSES[name], [A4, B4, C4, Y3], rtol=1e-6, atol=1e-6)


# ---- autograd.grad w.r.t. a rollout's state: the walk stops at the earliest input ----------------
def _rollout(m, n_steps=6, inputs_at=(3,), allow_unused=False, create_graph=False, extra_leaf=False):
    """A Hamiltonian-style rollout: each step differentiates an energy w.r.t. the current (non-leaf)
    state, with create_graph, and the final gradient is taken w.r.t. intermediate states."""
    m.manual_seed(0)
    w = m.randn(2, 2, dtype=m.float64, requires_grad=True)
    x = m.tensor([[1.0, 0.5]], dtype=m.float64, requires_grad=True)
    states = [x]
    for _ in range(n_steps):
        energy = (m.tanh(x @ w) ** 2).sum()
        dx, = m.autograd.grad(energy, x, create_graph=True)
        x = x + 0.1 * dx @ m.tensor([[0.0, 1.0], [-1.0, 0.0]], dtype=m.float64)
        states.append(x)
    loss = (x ** 3).sum()
    wanted = [states[i] for i in inputs_at]
    if extra_leaf:
        wanted.append(m.ones(2, dtype=m.float64, requires_grad=True))
    grads = m.autograd.grad(loss, wanted, create_graph=create_graph, allow_unused=allow_unused)
    if create_graph:
        second, = m.autograd.grad(grads[0].sum(), w)
        return grads + (second,)
    return grads


@pytest.mark.parametrize("kw", [dict(), dict(inputs_at=(5, 2)), dict(inputs_at=(0,)), dict(inputs_at=(6,)),
                                dict(create_graph=True), dict(extra_leaf=True, allow_unused=True),
                                dict(extra_leaf=True)])
def test_autograd_grad_through_rollout(kw):
    from ._helpers import same_outcome
    same_outcome(lambda m: _rollout(m, **kw), rtol=1e-12, atol=1e-12)


def test_autograd_grad_input_made_after_output():
    from ._helpers import same_outcome

    def fn(m):
        x = m.ones(2, requires_grad=True)
        y = (x * 2).sum()
        z = x * 3                                    # created after y: not on y's graph
        return m.autograd.grad(y, [z, x], allow_unused=True)[1]
    same_outcome(fn)
    same_outcome(lambda m: (lambda x: m.autograd.grad((x * 2).sum(), x * 3))(m.ones(2, requires_grad=True)))


# ---- atan2 / hypot / logaddexp / logaddexp2: Tensor-only arguments, no integer kernels -------------
F2 = np.array([1.0, 2.0], np.float32)
I2 = np.array([3, 1], np.int64)
BINARY_CALLS = {
    "function_scalar_other": lambda m, f, x, i: getattr(m, f)(x, 2.0),
    "function_scalar_input": lambda m, f, x, i: getattr(m, f)(2.0, x),
    "method_scalar": lambda m, f, x, i: getattr(x, f)(2),
    "integers": lambda m, f, x, i: getattr(m, f)(i, i),
    "bools": lambda m, f, x, i: getattr(m, f)(i > 1, i > 2),
    "int_method": lambda m, f, x, i: getattr(i, f)(i),
}


@pytest.mark.parametrize("call", sorted(BINARY_CALLS))
@pytest.mark.parametrize("f", ["atan2", "arctan2", "hypot", "logaddexp", "logaddexp2"])
def test_binary_float_ops_arguments(f, call):
    from ._helpers import same_outcome
    same_outcome(lambda m: BINARY_CALLS[call](m, f, m.from_numpy(F2.copy()), m.from_numpy(I2.copy())))


@pytest.mark.parametrize("f", ["atan2_", "arctan2_", "hypot_"])
def test_binary_float_ops_inplace_scalar(f):
    same_error(lambda m: getattr(m.from_numpy(F2.copy()), f)(2.0))


@pytest.mark.parametrize("f", ["atan2", "hypot", "logaddexp", "logaddexp2"])
def test_binary_float_ops_mixed_dtypes(f):
    same_on_both(lambda m, x, i: getattr(m, f)(i, x), [F2, I2], rtol=1e-6)


# ---- soft_margin_loss shapes; hinge_embedding_loss keeps an integer input's dtype --------------------
@pytest.mark.parametrize("tshape", [(4,), (2, 3), (4, 1, 3), (3,), (1,)])
@pytest.mark.parametrize("flip", [False, True])
def test_soft_margin_loss_shapes(tshape, flip):
    from ._helpers import same_outcome
    other = np.ones(tshape, np.float32)

    def fn(m):
        a, b = m.from_numpy(S.copy()), m.from_numpy(other.copy())
        return m.nn.functional.soft_margin_loss(*((b, a) if flip else (a, b)))
    same_outcome(fn, rtol=1e-6)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float64"])
def test_hinge_embedding_loss_integer_input(reduction, dtype):
    from ._helpers import same_outcome
    x = (S * 3).astype(dtype)
    same_outcome(lambda m: m.nn.functional.hinge_embedding_loss(m.from_numpy(x.copy()), m.tensor([1, -1, 1]),
                                                               margin=1.5, reduction=reduction))


# ---- linalg.solve: dtype checks come first; a vector B is a vector also with left=False -------------
SOLVE_CASES = {
    "b_long": lambda m: m.linalg.solve(m.eye(2), m.ones(2, dtype=m.int64)),
    "a_long": lambda m: m.linalg.solve(m.eye(2, dtype=m.int64), m.ones(2)),
    "a_bool": lambda m: m.linalg.solve(m.eye(2, dtype=m.bool), m.ones(2)),
    "double_float": lambda m: m.linalg.solve(m.eye(2, dtype=m.float64), m.ones(2)),
    "dtype_before_square": lambda m: m.linalg.solve(m.ones(2, 3), m.ones(2, dtype=m.int64)),
    "int_before_shape": lambda m: m.linalg.solve(m.eye(2, dtype=m.int32), m.ones(5)),
    "solve_ex_long": lambda m: m.linalg.solve_ex(m.eye(2, dtype=m.int64), m.ones(2)),
    "vector_right": lambda m: m.linalg.solve(m.eye(2), m.ones(2), left=False),
    "batched_vector_right": lambda m: m.linalg.solve(m.eye(2).expand(3, 2, 2), m.ones(3, 2), left=False),
    "solve_ex_vector_right": lambda m: m.linalg.solve_ex(m.eye(2), m.ones(2), left=False),
    "matrix_right": lambda m: m.linalg.solve(2 * m.eye(2), m.ones(3, 2), left=False),
}


@pytest.mark.parametrize("case", sorted(SOLVE_CASES))
def test_linalg_solve_checks(case):
    from ._helpers import same_outcome
    same_outcome(SOLVE_CASES[case])
