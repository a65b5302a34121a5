"""Gaps found by running NLP and sequence course code (tests/programs/nlp_*.py) on glasstorch."""
import numpy as np
import pytest

from ._helpers import MODS, same_on_both

R = np.random.default_rng(7)
X = R.standard_normal((6, 5)).astype(np.float32)
X3 = R.standard_normal((4, 5, 3)).astype(np.float32)
IDX = np.array([0, 4, 2, 2, 1, 3])
IDX3 = np.array([[0, 4, 2], [1, 1, 3], [4, 2, 0], [3, 3, 3]])
W = R.random(5).astype(np.float32) + 0.5
TOL = dict(rtol=1e-5, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


def graph_names(t):
    """The names of every node under ``t.grad_fn``, depth first, in next_functions order."""
    out, stack = [], [t.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None:
            continue
        out.append(type(fn).__name__)
        stack.extend(reversed([f for f, _ in fn.next_functions]))
    return out


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", [{}, {"ignore_index": 2}, {"w": True}, {"w": True, "ignore_index": 4}])
@pytest.mark.parametrize("nd", [2, 3])
def test_cross_entropy_label_smoothing_graph(red, kw, nd):
    """label smoothing is torch's composite: Scalar multiplies and a masked_fill of ignored targets."""
    kw = dict(kw)
    use_w = kw.pop("w", False)
    x, idx = (X, IDX) if nd == 2 else (X3, IDX3)

    def fn(t, x):
        w = t.from_numpy(W.copy()) if use_w else None
        return t.nn.functional.cross_entropy(x, t.from_numpy(idx.copy()), weight=w, reduction=red,
                                             label_smoothing=0.15, **kw)
    outs = same_on_both(fn, [x], **TOL)
    names = [graph_names(outs[m][0]) for m in MODS]
    assert names[0] == names[1]


def test_cross_entropy_label_smoothing_ignored_inf_row():
    """An ignored row whose logits hold -inf contributes 0 (masked_fill), not nan (0 * inf)."""
    x = X.copy()
    x[2, 1] = -np.inf
    same_on_both(lambda t, x: t.nn.functional.cross_entropy(x, t.from_numpy(IDX.copy()), ignore_index=2,
                                                           label_smoothing=0.1), [x], grad=False)


# ---- nn.AdaptiveLogSoftmaxWithLoss (word-level language models with large vocabularies) ----

from ._helpers import same_error  # noqa: E402
from ._nn_helpers import assert_same_params, build_both, run_module  # noqa: E402

H = R.standard_normal((12, 10)).astype(np.float32)
TGT = np.array([0, 3, 7, 12, 19, 2, 8, 15, 1, 11, 6, 18])
ASM = [dict(cutoffs=[4, 10], div_value=2.0), dict(cutoffs=(5,), head_bias=True), dict(cutoffs=[2, 6, 12])]


class _Loss:
    """Wraps the module so run_module backpropagates through ``.loss`` (forward returns a namedtuple)."""
    def __init__(self, asm, pick):
        self.asm, self.pick = asm, pick

    def __call__(self, x, t):
        return getattr(self.asm(x, t), self.pick)


@pytest.mark.parametrize("kw", ASM)
@pytest.mark.parametrize("pick", ["output", "loss"])
def test_adaptive_log_softmax_forward_backward(kw, pick):
    def factory(t):
        return t.nn.AdaptiveLogSoftmaxWithLoss(10, 20, **kw)
    mt, mg = build_both(factory, seed=3)
    assert repr(mt) == repr(mg)
    assert_same_params(mt, mg)
    outs = same_on_both(lambda t, x: getattr((mt if t.__name__ == "torch" else mg)(x, t.from_numpy(TGT.copy())),
                                             pick), [H], **TOL)
    assert type(outs[MODS[0]][0].grad_fn).__name__ == type(outs[MODS[1]][0].grad_fn).__name__
    for (n, a), (_, b) in zip(mt.named_parameters(), mg.named_parameters()):
        if a.grad is not None:
            np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)


@pytest.mark.parametrize("kw", ASM)
def test_adaptive_log_softmax_log_prob_predict_and_unbatched(kw):
    mods = dict(zip(MODS, build_both(lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(10, 20, **kw), seed=5)))
    same_on_both(lambda t, x: mods[t].log_prob(x), [H], **TOL)
    same_on_both(lambda t, x: mods[t].predict(x), [H * 3], grad=False)
    same_on_both(lambda t, x: tuple(mods[t](x[3], t.tensor(TGT[3]))), [H], **TOL)
    out = mods[MODS[1]](MODS[1].from_numpy(H), MODS[1].from_numpy(TGT))
    assert type(out).__name__ == "_ASMoutput" and out._fields == ("output", "loss")


@pytest.mark.parametrize("cutoffs", [[], [10, 4], [0, 5], [5, 20], [3, 3], [2.5]])
def test_adaptive_log_softmax_bad_cutoffs(cutoffs):
    same_error(lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(10, 20, cutoffs))


@pytest.mark.parametrize("case", ["range", "batch", "dim1", "dim0", "multi"])
def test_adaptive_log_softmax_bad_input(case):
    x, t_ = {"range": (H, np.array([0] * 11 + [25])), "batch": (H, TGT[:5]), "dim1": (H[None], TGT),
             "dim0": (H, np.array(3)), "multi": (H, TGT.reshape(3, 4))}[case]
    same_error(lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(10, 20, [4, 10])(t.from_numpy(x.copy()),
                                                                          t.from_numpy(t_.copy())))


# ---- F.ctc_loss / nn.CTCLoss (speech and OCR sequence models) ----

LP = R.standard_normal((7, 3, 5)).astype(np.float32)
CT = np.array([[1, 2, 2, 4], [3, 1, 0, 0], [4, 4, 1, 2]])
IL, TL = np.array([7, 5, 6]), np.array([3, 2, 4])
CTOL = dict(rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-6)


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("zi", [False, True])
@pytest.mark.parametrize("form", ["padded", "concat", "lists", "int32"])
def test_ctc_loss(red, zi, form):
    """Values and gradients through log_softmax, every target / length form; entry 2 is infeasible
    when input 4 frames hold 4 labels with a repeat (inf, or 0 with zero_infinity)."""
    il = IL.copy()
    il[2] = 4

    def fn(t, x):
        tg = t.from_numpy(CT.copy())
        il_, tl_ = t.from_numpy(il.copy()), t.from_numpy(TL.copy())
        if form == "concat":
            tg = t.cat([tg[b, :n] for b, n in enumerate(TL.tolist())])
        elif form == "lists":
            il_, tl_ = tuple(il.tolist()), list(TL.tolist())
        elif form == "int32":
            tg, il_, tl_ = tg.int(), il_.int(), tl_.int()
        return t.nn.CTCLoss(reduction=red, zero_infinity=zi)(x.log_softmax(2), tg, il_, tl_)
    if zi or red == "none":
        same_on_both(fn, [LP], **CTOL)
    else:
        same_on_both(fn, [LP], grad=False)


@pytest.mark.parametrize("blank", [0, 3])
def test_ctc_loss_blank_unbatched_and_edge_lengths(blank):
    tg = np.array([[1, 2, 4], [2, 2, 0], [0, 1, 4]]) if blank == 3 else np.array([[1, 2, 4], [2, 2, 3], [3, 1, 4]])
    same_on_both(lambda t, x: t.nn.functional.ctc_loss(x.log_softmax(2), t.from_numpy(tg.copy()), [7, 0, 2],
                                                       [3, 0, 1], blank=blank, reduction="none"), [LP], **CTOL)
    same_on_both(lambda t, x: t.nn.functional.ctc_loss(x[:, 0].log_softmax(1), t.from_numpy(tg[0].copy()),
                                                       t.tensor(7), t.tensor(3), blank=blank), [LP], **CTOL)
    same_on_both(lambda t, x: t.nn.functional.ctc_loss(x[:, 0].log_softmax(1), t.from_numpy(tg[0].copy()),
                                                       [6], [3], blank=blank, reduction="none"), [LP], **CTOL)
    same_on_both(lambda t, x: t.nn.functional.ctc_loss(x.double().log_softmax(2), t.from_numpy(tg.copy()),
                                                       [7, 6, 5], [3, 2, 2], blank=blank), [LP], **CTOL)


def test_ctc_loss_module():
    for m in MODS:
        c = m.nn.CTCLoss(blank=2, zero_infinity=True)
        assert (repr(c), c.blank, c.reduction, c.zero_infinity) == ("CTCLoss()", 2, "mean", True)


CTC_ERRORS = {
    "blank_high": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, 2, 4], blank=5),
    "blank_neg": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, 2, 4], blank=-1),
    "il_size": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5], [3, 2, 4]),
    "tl_size": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, 2]),
    "il_big": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [8, 5, 6], [3, 2, 4]),
    "il_neg": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, -1, 6], [3, 2, 4]),
    "tl_neg": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, -2, 4]),
    "tl_big": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, 2, 5]),
    "batch": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg[:2], [7, 5, 6], [3, 2, 4]),
    "concat": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg.flatten()[:5], [7, 5, 6], [3, 2, 4]),
    "tg_3d": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg[None], [7, 5, 6], [3, 2, 4]),
    "il_float": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, t.tensor([7., 5, 6]), t.tensor([3, 2, 4])),
    "tl_float": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, t.tensor([7, 5, 6]), t.tensor([3., 2, 4])),
    "reduction": lambda t, x, tg: t.nn.functional.ctc_loss(x, tg, [7, 5, 6], [3, 2, 4], reduction="avg"),
    "int_input": lambda t, x, tg: t.nn.functional.ctc_loss(x.int(), tg, [7, 5, 6], [3, 2, 4]),
    "half_input": lambda t, x, tg: t.nn.functional.ctc_loss(x.half(), tg, [7, 5, 6], [3, 2, 4]),
    "1d_input": lambda t, x, tg: t.nn.functional.ctc_loss(x[:, 0, 0], tg, [7], [3]),
}


@pytest.mark.parametrize("case", sorted(CTC_ERRORS))
def test_ctc_loss_errors(case):
    same_error(lambda t: CTC_ERRORS[case](t, t.from_numpy(LP.copy()), t.from_numpy(CT.copy())))


# ---- F.gumbel_softmax (discrete token sampling, straight-through estimators) ----

G = R.standard_normal((4, 6)).astype(np.float32)


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("tau,dim", [(1.0, -1), (0.3, 0), (2, 1)])
def test_gumbel_softmax(hard, tau, dim):
    """Same noise from the global generator (exponential_), same value, graph and gradient."""
    def fn(t, x):
        t.manual_seed(11)
        y = t.nn.functional.gumbel_softmax(x, tau=tau, hard=hard, dim=dim)
        return y, t.rand(2)                     # the generator is left where torch leaves it
    same_on_both(fn, [G], rtol=1e-6, atol=1e-7, grad_rtol=1e-5, grad_atol=1e-6)


def test_gumbel_softmax_eps_warning():
    import warnings
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.functional.gumbel_softmax(m.zeros(3), eps=1e-3)
        msgs.append([(x.category.__name__, str(x.message)) for x in w])
    assert msgs[0] == msgs[1] and msgs[0]


# ---- torch.nn.attention.sdpa_kernel and torch.backends.cuda's sdp switches ----

Q = R.standard_normal((2, 2, 4, 8)).astype(np.float32)


def _sdpa_under(t, q, backends):
    A = __import__(t.__name__ + ".nn.attention", fromlist=["sdpa_kernel"])
    chosen = [getattr(A.SDPBackend, b) for b in backends]
    with A.sdpa_kernel(chosen if len(chosen) != 1 else chosen[0]) as ctx:
        flags = (t.backends.cuda.flash_sdp_enabled(), t.backends.cuda.math_sdp_enabled(),
                 t.backends.cuda.mem_efficient_sdp_enabled(), t.backends.cuda.cudnn_sdp_enabled())
        cur = [repr(b) for b in A._cur_sdpa_kernel_backends()]
        out = t.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)
    assert ctx == {}
    after = [str(b) for b in A._cur_sdpa_kernel_backends()]
    return out, flags, cur, after


@pytest.mark.parametrize("backends", [["MATH"], ["FLASH_ATTENTION"], ["MATH", "FLASH_ATTENTION", "MATH"]])
def test_sdpa_kernel_switches(backends):
    """Values under any CPU kernel; the graph is compared for the math kernel, whose nodes glasstorch's
    attention records (the flash kernel's fused node is a known difference, docs/differences.md)."""
    math_only = backends == ["MATH"]
    same_on_both(lambda t, q: _sdpa_under(t, q, backends)[0] if math_only else _sdpa_under(t, q, backends)[0].detach(),
                 [Q], grad=math_only, rtol=1e-5, atol=1e-6, grad_rtol=1e-4, grad_atol=1e-6)
    meta = [_sdpa_under(m, m.from_numpy(Q.copy()), backends)[1:] for m in MODS]
    assert meta[0] == meta[1]


@pytest.mark.parametrize("backends", [["EFFICIENT_ATTENTION"], ["CUDNN_ATTENTION", "EFFICIENT_ATTENTION"]])
def test_sdpa_kernel_without_cpu_kernel(backends):
    same_error(lambda t: _sdpa_under(t, t.from_numpy(Q.copy()), backends))


@pytest.mark.parametrize("bad", ["math", ("MATH",)])
def test_sdpa_kernel_bad_backends(bad):
    def fn(t):
        A = __import__(t.__name__ + ".nn.attention", fromlist=["sdpa_kernel"])
        arg = bad if isinstance(bad, str) else tuple(getattr(A.SDPBackend, b) for b in bad)
        with A.sdpa_kernel(arg):
            pass
    same_error(fn)


def test_sdp_enable_functions_and_enum():
    got = []
    for m in MODS:
        A = __import__(m.__name__ + ".nn.attention", fromlist=["SDPBackend"])
        c = m.backends.cuda
        try:
            c.enable_math_sdp(False)
            c.enable_flash_sdp(False)
            try:
                m.nn.functional.scaled_dot_product_attention(m.ones(1, 2, 4), m.ones(1, 2, 4), m.ones(1, 2, 4))
                err = None
            except RuntimeError as e:
                err = str(e)
            state = (c.math_sdp_enabled(), c.flash_sdp_enabled(), err)
        finally:
            c.enable_math_sdp(True)
            c.enable_flash_sdp(True)
        got.append((state, c.is_flash_attention_available(), A.WARN_FOR_UNFUSED_KERNELS,
                    [(repr(b), str(b), int(b)) for b in A.SDPBackend.__members__.values()]))
    assert got[0] == got[1]
