"""What a tensor hook may return (torch checks type, size and dtype), and integer powers with
negative tensor exponents (torch's powi: 1 for base 1, +-1 for base -1, else 0)."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both


def _named(g):
    return g.double()


@pytest.mark.parametrize("hook", [_named, lambda g: g.int(), lambda g: g.reshape(2, 1), lambda g: 3, lambda g: 3.0,
                                  lambda g: g[:1], lambda g: "bad"])
@pytest.mark.parametrize("on_leaf", [True, False])
def test_hook_results_torch_refuses(hook, on_leaf):
    def fn(m):
        x = m.ones(2, requires_grad=True)
        y = x if on_leaf else x * 2
        y.register_hook(hook)
        (y * 1).sum().backward()
    same_error(fn)


@pytest.mark.parametrize("hook", [lambda g: None, lambda g: g * 3, lambda g: g.clone().fill_(2)])
def test_hook_results_torch_takes(hook):
    def fn(m, x):
        y = x * 2
        y.register_hook(hook)
        return (y ** 2).sum()
    same_on_both(fn, [np.array([1.0, -2.0, 0.5])])


def test_hook_under_create_graph():
    def fn(m, x):
        x.register_hook(lambda g: g * 3)
        g, = m.autograd.grad((x ** 3).sum(), x, create_graph=True)
        return g
    same_on_both(fn, [np.array([1.0, -2.0, 0.5])])


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8])
def test_integer_power_negative_tensor_exponent(dtype):
    base = np.array([2, 1, -1, 0, -1, -2, 3, 1]).astype(dtype)
    exp = np.array([-1, -3, -3, -2, -2, -1, 2, 0]).astype(dtype if dtype != np.uint8 else np.int64)
    same_on_both(lambda m, a, b: a ** b, [base, exp], grad=False)
    same_on_both(lambda m, b: 2 ** b, [exp], grad=False)
    same_on_both(lambda m, a, b: m.pow(a, b[0]), [base, exp], grad=False)
    same_error(lambda m: m.from_numpy(base.copy()) ** -1)
