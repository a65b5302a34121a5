"""Parity tests for the differences found by sweep 15e's programs (tests/programs/sweep15e_*.py):
the reparameterised gradients of the Gamma / Beta / Dirichlet samplers (``torch._standard_gamma``'s
backward, ``torch._standard_gamma_grad``, ``torch._dirichlet_grad`` and ``Dirichlet.rsample``'s
autograd.Function)."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both, same_outcome

ALPHAS = np.array([0.05, 0.3, 0.9, 1.0, 1.7, 3.0, 7.5, 8.5, 12.0, 40.0, 250.0], np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_gamma_backward(dtype):
    # x < 0.8 (Taylor series), alpha > 8 (saddle point, inside and outside the window), else rational
    a = np.repeat(ALPHAS, 4).astype(dtype)

    def fn(m, a):
        m.manual_seed(0)
        return m._standard_gamma(a)
    same_on_both(fn, [a])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_gamma_grad_kernel_grid(dtype):
    alpha = np.repeat(ALPHAS, 9).astype(dtype)
    x = (np.tile([0.01, 0.3, 0.79, 0.8, 0.95, 1.0, 1.05, 1.5, 3.0], len(ALPHAS)) * np.maximum(alpha, 1)).astype(dtype)
    same_on_both(lambda m, a, x: m._standard_gamma_grad(a, x), [alpha, x], grad=False)


def test_standard_gamma_grad_broadcasts_and_saves():
    same_outcome(lambda m: m._standard_gamma_grad(m.tensor([[0.5], [2.0], [10.0]]), m.tensor([0.2, 1.0, 9.5])))
    same_outcome(lambda m: m._standard_gamma(m.tensor([2.0, 3.0], requires_grad=True)).grad_fn._saved_self)


def _dirichlet_grid(dtype):
    rows = []
    for alpha, total in [(0.3, 0.8), (0.5, 3.0), (2.0, 3.0), (1.5, 9.0), (7.0, 15.0), (20.0, 30.0), (3.0, 40.0),
                         (9.0, 10.0), (4.0, 4.5)]:
        for x in [0.001, 0.02, 0.2, 0.45, 0.5, 0.55, 0.8, 0.97, 0.999]:
            rows.append((x, alpha, total))
    return [np.array(c, dtype) for c in zip(*rows)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dirichlet_grad_kernel_grid(dtype):
    # small-x and near-1 Taylor series, the saddle point (both parameters > 6), the rational fit
    same_on_both(lambda m, x, a, t: m._dirichlet_grad(x, a, t), _dirichlet_grid(dtype), grad=False)


@pytest.mark.parametrize("conc", [[1.0, 2.0, 3.0], [0.2, 0.5, 0.1, 4.0], [8.0, 9.0, 30.0], [50.0, 0.7]])
def test_dirichlet_rsample_gradient(conc):
    def fn(m, c):
        m.manual_seed(1)
        return m.distributions.Dirichlet(c).rsample((3,))
    same_on_both(fn, [np.array(conc, np.float32)])


def test_beta_and_gamma_rsample_gradients():
    def beta(m, a, b):
        m.manual_seed(2)
        return m.distributions.Beta(a, b).rsample((5,))

    def gamma(m, c, r):
        m.manual_seed(3)
        return m.distributions.Gamma(c, r).rsample((4,))
    # the 5 samples' gradients are summed over an outer dim (expand's backward), where glasstorch keeps
    # NumPy's order of addition: the last bit may differ (see ops/_sum_order.py)
    same_on_both(beta, [np.array([2.0, 0.5, 10.0], np.float32), np.array([3.0, 0.5, 12.0], np.float32)],
                 grad_rtol=1e-6, grad_atol=1e-8)
    same_on_both(gamma, [np.array([0.5, 2.0, 9.0], np.float64), np.array([1.0, 3.0, 0.5], np.float64)])


def test_dirichlet_rsample_grad_fn_name():
    same_outcome(lambda m: m.tensor(type(m.distributions.Dirichlet(
        m.tensor([1.0, 2.0], requires_grad=True)).rsample().grad_fn).__name__ == "_DirichletBackward"))


def test_sample_dirichlet_has_no_derivative():
    def fn(m):
        m.manual_seed(0)
        m._sample_dirichlet(m.tensor([1.0, 2.0], requires_grad=True)).sum().backward()
    same_error(fn)


def test_gradient_of_gamma_gradient_not_implemented():
    def fn(m):
        m.manual_seed(0)
        a = m.tensor([1.0, 2.0], requires_grad=True)
        g, = m.autograd.grad(m._standard_gamma(a).sum(), a, create_graph=True)
        g.sum().backward()
    same_error(fn)


def test_gamma_grad_kernels_errors():
    same_error(lambda m: m._standard_gamma_grad(m.tensor([1.0], dtype=m.float64), m.tensor([1.0])))
    same_error(lambda m: m._standard_gamma_grad(m.tensor([1, 2]), m.tensor([1, 2])))


@pytest.mark.parametrize("inputs", ["[]", "()", "{}"])
def test_grad_and_backward_refuse_empty_inputs(inputs):
    def grad(m):
        x = m.ones(2, requires_grad=True)
        m.autograd.grad((x * 2).sum(), eval(inputs))

    def backward(m):
        x = m.ones(2, requires_grad=True)
        (x * 2).sum().backward(inputs=eval(inputs))
    same_error(grad)
    same_error(backward)


def test_grad_with_a_dict_of_inputs_answers_a_dict():
    def fn(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, -1.0], requires_grad=True)
        g = m.autograd.grad((x * w).pow(2).sum(), {"w": w, "x": x})
        assert list(g) == ["w", "x"]
        return g["w"], g["x"]
    same_outcome(fn)


def test_backward_with_a_dict_of_inputs():
    def fn(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, -1.0], requires_grad=True)
        m.autograd.backward((x * w).sum(), inputs={"w": w})
        return w.grad, m.tensor(x.grad is None)
    same_outcome(fn)


def test_grad_refuses_other_mappings():
    import types
    same_error(lambda m: m.autograd.grad(m.ones(1, requires_grad=True).sum(), types.MappingProxyType({})))


@pytest.mark.parametrize("given", ["covariance_matrix", "scale_tril", "precision_matrix"])
def test_multivariate_normal_expand(given):
    def fn(m):
        m.manual_seed(0)
        mat = m.tensor([[2.0, 0.0], [0.5, 1.0]])
        if given != "scale_tril":
            mat = mat @ mat.T
        d = m.distributions.MultivariateNormal(m.zeros(2), **{given: mat}).expand([3])
        assert repr(d).replace("glasstorch", "torch") == \
            f"MultivariateNormal(loc: torch.Size([3, 2]), {given}: torch.Size([3, 2, 2]))"
        return (d.sample(), d.log_prob(m.ones(3, 2)), d.covariance_matrix, d.precision_matrix, d.scale_tril,
                d.entropy(), m.tensor(list(d.batch_shape)))
    same_outcome(fn, rtol=1e-6, atol=1e-6)


def test_multivariate_normal_expand_bad_shape():
    same_error(lambda m: m.distributions.MultivariateNormal(m.zeros(4, 2), m.eye(2)).expand([3]))


def test_dependent_property_is_a_dependent_constraint():
    def fn(m):
        sup = m.distributions.Uniform.support
        assert repr(sup) == "DependentProperty()"
        assert m.distributions.constraints.is_dependent(sup)
        assert m.distributions.constraints.is_dependent(m.distributions.Binomial.support)
        return m.tensor(0.0)
    same_outcome(fn)


def test_broadcast_all_refuses_other_types():
    same_error(lambda m: m.distributions.utils.broadcast_all(m.zeros(2), "a"))


def test_digamma_float32_rounds_like_torchs_float_kernel():
    # torch computes float32 digamma in float32 step by step; the float64 value rounded once differed
    # from it in about half the elements (KL divergences and entropies of Beta / Gamma / Dirichlet)
    x = np.random.default_rng(0).uniform(-15, 40, 400).astype(np.float32)
    x[:4] = [0.25, 1.0, 10.0, -2.5]
    same_on_both(lambda m, x: m.digamma(x), [x], grad=False)
    # backward: trigamma, in float32 as torch's kernel (for x < 1/2 its sinf may differ in the last bit)
    pos = np.abs(x) + np.float32(0.5)
    same_on_both(lambda m, x: m.digamma(x), [pos])
    same_on_both(lambda m, x: m.polygamma(1, x), [pos.astype(np.float64)], grad=False)
    same_on_both(lambda m, x: m.lgamma(x), [pos], rtol=1e-6, grad_rtol=0.0, grad_atol=0.0)  # backward: digamma


def test_beta_kl_and_entropy_in_float32():
    def fn(m, a, b):
        p, q = m.distributions.Beta(a, b), m.distributions.Beta(b + 1, a)
        return m.distributions.kl_divergence(p, q), p.entropy()
    same_on_both(fn, [np.array([2.0, 0.3, 7.5], np.float32), np.array([1.0, 0.5, 3.25], np.float32)],
                 rtol=1e-6, atol=1e-6)


def test_scalar_gamma_rsample_gradient():
    def fn(m, a):
        m.manual_seed(0)
        return m.distributions.Gamma(a, 1.0).rsample(), m._standard_gamma(a * 0.15)
    same_on_both(fn, [np.array(2.0, np.float32)])
    same_on_both(fn, [np.array(2.0, np.float64)])
