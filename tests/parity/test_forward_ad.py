"""``torch.autograd.forward_ad``: tangents of ordinary computations on dual tensors, against torch's.

glasstorch computes a tangent from the reverse graph (double vjp), torch pushes it through each
op: the values must agree (float64 to 1e-12, float32 to rtol 1e-5), and so must which outputs
have a tangent at all, the primals, the levels and the errors."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error

RNG = np.random.default_rng(7)


def arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def forward_both(fn, primals, tangents, rtol=1e-12, atol=1e-12):
    """Run ``fn(mod, *duals)`` inside a dual level on both libraries; compare primals and tangents."""
    res = {}
    for m in MODS:
        fw = m.autograd.forward_ad
        with fw.dual_level():
            duals = [fw.make_dual(m.from_numpy(p.copy()), m.from_numpy(t.copy())) for p, t in zip(primals, tangents)]
            out = fn(m, *duals)
            outs = list(out) if isinstance(out, (tuple, list)) else [out]
            res[m] = [fw.unpack_dual(o) for o in outs]
    for (p_t, t_t), (p_g, t_g) in zip(res[torch], res[glasstorch]):
        assert_same_array(p_t, p_g, rtol, atol, what="primal")
        assert (t_t is None) == (t_g is None), f"tangent torch {t_t} vs glasstorch {t_g}"
        if t_t is not None:
            assert_same_array(t_t, t_g, rtol, atol, what="tangent")
    return res


OPS = {
    "arith": (lambda m, x, y: (x * y + 3 * x) / (y * y + 1) - x ** 3, [(3, 4), (3, 4)]),
    "broadcast": (lambda m, x, y: x * y - y.exp(), [(3, 4), (4,)]),
    "matmul": (lambda m, x, y: x @ y, [(3, 4), (4, 5)]),
    "unary": (lambda m, x: [x.sin(), x.tanh(), x.sigmoid(), x.abs().log(), x.exp().sqrt()], [(5,)]),
    "reductions": (lambda m, x: [x.sum(), x.mean(1), x.prod(0), x.norm(), x.max(), x.amax(1), x.std(),
                                 x.logsumexp(1), x.cumsum(0)], [(3, 4)]),
    "views": (lambda m, x: [x.t(), x[1], x[:, 1:3], x.reshape(12), x.unsqueeze(0).expand(2, 3, 4)], [(3, 4)]),
    "cat_stack_where": (lambda m, x, y: [m.cat([x, y]), m.stack([x, y], 1), m.where(x > 0, x, y)], [(2, 3), (2, 3)]),
    "functional": (lambda m, x: [m.nn.functional.relu(x), m.nn.functional.gelu(x), m.nn.functional.softmax(x, 1),
                                 m.nn.functional.log_softmax(x, 0), m.nn.functional.silu(x),
                                 m.nn.functional.layer_norm(x, (4,))], [(3, 4)]),
    "linear": (lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 4), (3, 4), (3,)]),
    "conv2d": (lambda m, x, w: m.nn.functional.conv2d(x, w, padding=1), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    "loss": (lambda m, x, y: [m.nn.functional.mse_loss(x, y), m.nn.functional.binary_cross_entropy_with_logits(x, y)],
             [(4, 3), (4, 3)]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_tangent_float64(name):
    fn, shapes = OPS[name]
    forward_both(fn, [arr(*s) for s in shapes], [arr(*s) for s in shapes])


@pytest.mark.parametrize("name", ["arith", "matmul", "functional", "conv2d", "reductions"])
def test_tangent_float32(name):
    fn, shapes = OPS[name]
    forward_both(fn, [arr(*s, dtype=np.float32) for s in shapes], [arr(*s, dtype=np.float32) for s in shapes],
                 rtol=1e-5, atol=1e-6)


def test_one_dual_among_plain_inputs():
    x, c, v = arr(3), arr(3), arr(3)
    forward_both(lambda m, d: [d * m.from_numpy(c.copy()), m.from_numpy(c.copy()) + 1, d.argmax(), d > 0,
                               d.detach(), d * 0], [x], [v])


def test_unpack_of_the_dual_itself_gives_the_tangent_as_given():
    for m in MODS:
        fw = m.autograd.forward_ad
        x, t = m.tensor([1., 2.]), m.tensor([.5, 1.])
        with fw.dual_level():
            d = fw.make_dual(x, t)
            p, tan = fw.unpack_dual(d)
            assert tan is t and d._base is x
            assert fw.unpack_dual(p).tangent is None
            assert p.requires_grad is False


def test_module_forward_on_a_dual_input():
    w = {}
    for m in MODS:
        m.manual_seed(0)
        w[m] = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Linear(8, 2)).double()
    x, v = arr(5, 4), arr(5, 4)
    out = {}
    for m in MODS:
        fw = m.autograd.forward_ad
        with fw.dual_level():
            out[m] = fw.unpack_dual(w[m](fw.make_dual(m.from_numpy(x.copy()), m.from_numpy(v.copy()))))
    assert_same_array(out[torch].primal, out[glasstorch].primal, 1e-12, 1e-12)
    assert_same_array(out[torch].tangent, out[glasstorch].tangent, 1e-12, 1e-12)


def test_functional_call_with_dual_parameters():
    x = arr(6, 3)
    res = {}
    for m in MODS:
        m.manual_seed(1)
        model = m.nn.Linear(3, 2).double()
        fw = m.autograd.forward_ad
        params = {k: p.detach() for k, p in model.named_parameters()}
        tangents = {k: m.ones_like(p) * 0.5 for k, p in params.items()}
        with fw.dual_level():
            duals = {k: fw.make_dual(params[k], tangents[k]) for k in params}
            out = m.func.functional_call(model, duals, (m.from_numpy(x.copy()),))
            res[m] = fw.unpack_dual(out).tangent
    assert_same_array(res[torch], res[glasstorch], 1e-12, 1e-12)


def test_forward_ad_agrees_with_func_jvp():
    x, v = arr(4), arr(4)
    for m in MODS:
        fw = m.autograd.forward_ad
        xt, vt = m.from_numpy(x.copy()), m.from_numpy(v.copy())
        with fw.dual_level():
            tan = fw.unpack_dual((fw.make_dual(xt, vt).sin() ** 2).sum()).tangent
        _, ref = m.func.jvp(lambda a: (a.sin() ** 2).sum(), (xt,), (vt,))
        np.testing.assert_allclose(tan.numpy(), ref.numpy(), rtol=1e-12)


def test_reverse_mode_through_a_dual():
    x, v = arr(3), arr(3)
    grads = {}
    for m in MODS:
        fw = m.autograd.forward_ad
        xt = m.from_numpy(x.copy()).requires_grad_(True)
        with fw.dual_level():
            d = fw.make_dual(xt, m.from_numpy(v.copy()))
            y = (d.exp() * d).sum()
            tan = fw.unpack_dual(y).tangent
            y.backward()
        grads[m] = (xt.grad, tan)
    assert_same_array(grads[torch][0], grads[glasstorch][0], 1e-12, 1e-12, what="x.grad")
    assert_same_array(grads[torch][1], grads[glasstorch][1], 1e-12, 1e-12, what="tangent")


def test_exit_drops_tangents_and_levels_count_as_torch():
    for m in MODS:
        fw = m.autograd.forward_ad
        assert fw.enter_dual_level() == 0
        y = fw.make_dual(m.ones(2), m.ones(2)) * 2
        assert fw.unpack_dual(y).tangent is not None
        assert fw.exit_dual_level() is None
        assert fw.unpack_dual(y).tangent is None
        assert fw.unpack_dual(y).primal is y
        with fw.dual_level() as lvl:
            assert lvl == 0
        assert fw._current_level == -1


def test_dual_level_decorates_a_function():
    for m in MODS:
        fw = m.autograd.forward_ad

        @fw.dual_level()
        def f(x):
            return fw.unpack_dual(fw.make_dual(x, m.ones(2)).exp()).tangent
        assert np.allclose(f(m.zeros(2)).numpy(), 1.0)
        assert fw._current_level == -1


def test_unpacked_dual_tensor_is_a_namedtuple():
    for m in MODS:
        cls = m.autograd.forward_ad.UnpackedDualTensor
        assert cls._fields == ("primal", "tangent")
        assert repr(cls(1, None)) == "UnpackedDualTensor(primal=1, tangent=None)"
    assert sorted(torch.autograd.forward_ad.__all__) == sorted(glasstorch.autograd.forward_ad.__all__)


def _in_level(fn):
    def run(m):
        fw = m.autograd.forward_ad
        with fw.dual_level():
            fn(m, fw)
    return run


@pytest.mark.parametrize("fn", [
    lambda m, fw: fw.make_dual(m.ones(2), m.ones(3)),
    lambda m, fw: fw.make_dual(m.ones(2), m.ones(2, 1)),
    lambda m, fw: fw.make_dual(m.ones(2), m.ones(2, dtype=m.int64)),
    lambda m, fw: fw.make_dual(m.tensor([1, 2]), m.ones(2)),
    lambda m, fw: fw.make_dual(m.ones(2), m.ones(2), level=3),
    lambda m, fw: fw.make_dual(fw.make_dual(m.ones(2), m.ones(2)), m.ones(2)),
    lambda m, fw: fw.make_dual(fw.make_dual(m.ones(2), m.ones(2)) * 2, m.ones(2)),
    lambda m, fw: fw.enter_dual_level(),
    lambda m, fw: fw.exit_dual_level(level=1),
    lambda m, fw: fw.unpack_dual([1.0]),
], ids=["size", "size2", "int_tangent", "int_primal", "bad_level", "dual_of_dual", "dual_of_result", "nested",
        "exit_other", "not_tensor"])
def test_errors_in_a_level(fn):
    same_error(_in_level(fn))


def test_errors_outside_a_level():
    same_error(lambda m: m.autograd.forward_ad.make_dual(m.ones(2), m.ones(2)))
    same_error(lambda m: m.autograd.forward_ad.exit_dual_level())
    same_error(lambda m: m.autograd.forward_ad.exit_dual_level(level=0))


def test_unpack_outside_a_level_returns_the_tensor():
    for m in MODS:
        x = m.ones(2)
        p, t = m.autograd.forward_ad.unpack_dual(x)
        assert p is x and t is None


def test_import_as_torch_submodule():
    import importlib
    mod = importlib.import_module("glasstorch.autograd.forward_ad")
    assert mod is glasstorch.autograd.forward_ad
    assert glasstorch.autograd.forward_ad.dual_level.__mro__[1].__name__ == "_DecoratorContextManager"
