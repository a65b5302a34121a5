"""Parity pins for sweep31h (hypernetworks and conditional computation programs).

Fixed in glasstorch:
- ``torch.func.functional_call`` reads its dictionaries as torch does (glasstorch/_func_untie.py): a
  value given for one name of a tied tensor stands for all its names, and different values for two
  names of one tied tensor are torch's "functional_call got multiple values for keys [...], which are
  tied" ValueError (a tied group with a name left out raises torch's KeyError); ``strict=True``
  checks the keys after untying, against every name, tied ones included; a value that is neither a
  dict nor a list/tuple of dicts is torch's ValueError (formerly an AttributeError deep inside);
- vmap refuses to write a batched value into an unbatched tensor (a closed-over tensor, an
  in_dims=None input, or a view of one) instead of writing every entry into it in turn and returning
  wrong results (glasstorch/_vmap_inplace_target.py), with the error of the op's batching rule:
  "output with shape [..] doesn't match the broadcast shape [B, ..]" (add_, atan2_, copysign_, the
  bitwise ops ...), "vmap: inplace arithmetic(self, *extra_args) is not possible ..." (sub_, mul_,
  div_, copy_, setitem, masked_fill_ over a batched mask ...), "vmap: index_add_(self, ...) ... in a
  vmap" for the ops refused by name (fill_, index_add_, index_fill_, index_put_, scatter_add_,
  scatter_reduce_), and, for the ops torch runs through its slow fallback (pow_, addcmul_, lerp_,
  clamp_ with tensor bounds, scatter_, the comparisons, addmv_ ...), the fallback's performance warning
  then "vmap: aten::<op>_(self, *extra_args) ... at level <n>"; the target is put back as it was;
- vmap makes an in-place write into an unbatched tensor from unbatched operands once, as torch does,
  instead of once per batch entry (``y.add_(1)``, ``y.exp_()``, a module's counter buffer, and the
  in-place shape changes ``unsqueeze_`` / ``squeeze_`` / ``t_`` / ``transpose_``).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import MODS, same_error, same_outcome


# ---- functional_call and tied weights --------------------------------------------------------------

def _tied(m, three=False):
    class Tied(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = m.nn.Linear(2, 2), m.nn.Linear(2, 2)
            self.b.weight = self.a.weight
            if three:
                self.c = m.nn.Linear(2, 2)
                self.c.weight = self.a.weight

        def forward(self, x):
            y = self.b(self.a(x))
            return self.c(y) if three else y
    m.manual_seed(0)
    return Tied()


def _call(m, given, three=False, **kw):
    mod = _tied(m, three)
    eye = m.eye(2)
    vals = {"I": eye, "I2": eye * 2, "I3": eye * 3, "z": m.zeros(2)}
    return m.func.functional_call(mod, {k: vals[v] for k, v in given.items()}, (m.ones(1, 2),), **kw)


CASES = [
    ({"a.weight": "I", "b.weight": "I"}, False, {}),
    ({"b.weight": "I", "a.weight": "I2"}, False, {}),
    ({"b.weight": "I", "a.weight": "I2"}, False, {"tie_weights": False}),
    ({"b.weight": "I3"}, False, {}),
    ({"b.weight": "I3"}, False, {"strict": True}),
    ({"b.weight": "I3", "a.bias": "z", "b.bias": "z"}, False, {"strict": True}),
    ({"b.weight": "I3", "a.bias": "z", "b.bias": "z"}, False, {"strict": True, "tie_weights": False}),
    ({"b.weight": "I3", "c.weight": "I"}, True, {}),
    ({"b.weight": "I", "c.weight": "I"}, True, {}),
    ({}, True, {"strict": True}),
    ({"a.weight": "I2", "zz": "z"}, False, {"strict": True}),
]


@pytest.mark.parametrize("given,three,kw", CASES)
def test_functional_call_tied_weights(given, three, kw):
    same_outcome(lambda m: _call(m, given, three, **kw))


def test_functional_call_tied_values_in_separate_dicts():
    def fn(m):
        mod, eye = _tied(m), m.eye(2)
        return m.func.functional_call(mod, ({"b.weight": eye}, {"a.weight": eye * 2}), (m.ones(1, 2),))
    same_error(fn)


@pytest.mark.parametrize("what", ["tensor", "str", "set", "parameterdict", "list_of_tensor"])
def test_functional_call_rejects_non_dicts(what):
    def fn(m):
        mod = m.nn.Linear(2, 2)
        arg = {"tensor": lambda: m.eye(2), "str": lambda: "ab", "set": lambda: {1, 2},
               "parameterdict": lambda: m.nn.ParameterDict({"w": m.nn.Parameter(m.eye(2))}),
               "list_of_tensor": lambda: [m.eye(2)]}[what]()
        return m.func.functional_call(mod, arg, (m.ones(1, 2),))
    errs = []
    for m in MODS:
        with pytest.raises(Exception) as info:
            fn(m)
        # (imported as itself, glasstorch names its classes glasstorch.*; run as torch, torch.*)
        errs.append((info.type.__name__, str(info.value).replace("glasstorch", "torch")))
    assert errs[1] == errs[0]


def test_functional_call_tied_gradient_reaches_the_given_value():
    def fn(m):
        mod = _tied(m)
        w = m.eye(2).requires_grad_()
        out = m.func.functional_call(mod, {"b.weight": w}, (m.ones(1, 2),))
        g, = m.autograd.grad(out.sum(), w)
        return out, g
    same_outcome(fn)


# ---- vmap writing a batched value into an unbatched tensor ------------------------------------------

OPS = {
    "add_": lambda y, x: y.add_(x),
    "add_alpha": lambda y, x: y.add_(x, alpha=2),
    "iadd": lambda y, x: y.__iadd__(x),
    "add_scalar_tensor": lambda y, x: y.add_(x[0]),
    "add_sum": lambda y, x: y.add_(x.sum()),
    "sub_": lambda y, x: y.sub_(x),
    "mul_": lambda y, x: y.mul_(x),
    "mul_scalar_tensor": lambda y, x: y.mul_(x[0]),
    "div_": lambda y, x: y.div_(x),
    "pow_": lambda y, x: y.pow_(x),
    "copy_": lambda y, x: y.copy_(x),
    "addcmul_": lambda y, x: y.addcmul_(x, x),
    "addcdiv_": lambda y, x: y.addcdiv_(x, x),
    "lerp_": lambda y, x: y.lerp_(x, 0.5),
    "clamp_": lambda y, x: y.clamp_(min=x),
    "masked_fill_": lambda y, x: y.masked_fill_(x > 0, 1.0),
    "fill_": lambda y, x: y.fill_(x[0]),
    "index_add_": lambda y, x: y.index_add_(0, y.new_tensor([0, 1]).long(), x),
    "setitem": lambda y, x: y.__setitem__(0, x[0]) or y,
    "setitem_slice": lambda y, x: y.__setitem__(slice(None), x) or y,
    "detach_add_": lambda y, x: y.detach().add_(x),
    "view_add_": lambda y, x: y.view(2).add_(x),
    "row_add_": lambda y, x: y[0].add_(x[0]),
    "scatter_": lambda y, x: y.scatter_(0, y.new_tensor([1, 0]).long(), x),
    "scatter_reduce_arg": lambda y, x: y.scatter_(0, y.new_tensor([1, 0]).long(), x, reduce="add"),
    "scatter_add_": lambda y, x: y.scatter_add_(0, y.new_tensor([1, 0]).long(), x),
    "scatter_reduce_": lambda y, x: y.scatter_reduce_(0, y.new_tensor([1, 0]).long(), x, "amax"),
    "index_copy_": lambda y, x: y.index_copy_(0, y.new_tensor([1, 0]).long(), x),
    "index_fill_": lambda y, x: y.index_fill_(0, y.new_tensor([1]).long(), x.sum()),
    "index_put_": lambda y, x: y.index_put_((y.new_tensor([1, 0]).long(),), x),
    "masked_scatter_": lambda y, x: y.masked_scatter_(y > 0, x),
    "put_": lambda y, x: y.put_(y.new_tensor([1]).long(), x[:1]),
    "floor_divide_": lambda y, x: y.floor_divide_(x),
    "remainder_": lambda y, x: y.remainder_(x),
    "fmod_": lambda y, x: y.fmod_(x),
    "atan2_": lambda y, x: y.atan2_(x),
    "hypot_": lambda y, x: y.hypot_(x),
    "copysign_": lambda y, x: y.copysign_(x),
    "xlogy_": lambda y, x: y.xlogy_(x),
    "clamp_min_": lambda y, x: y.clamp_min_(x),
    "logical_and_": lambda y, x: y.logical_and_(x),
    "eq_": lambda y, x: y.eq_(x),
    "lt_": lambda y, x: y.lt_(x),
    "ge_": lambda y, x: y.ge_(x),
    "masked_fill_value": lambda y, x: y.masked_fill_(y > 0, x.sum()),
    "nextafter_": lambda y, x: y.nextafter_(x),
    "heaviside_": lambda y, x: y.heaviside_(x),
    "igamma_": lambda y, x: y.igamma_(x.abs()),
    "addmv_": lambda y, x: y.addmv_(y.new_ones(2, 2), x),
    "addr_": lambda y, x: y.view(1, 2).addr_(x[:1], x),
    "baddbmm_": lambda y, x: y.view(1, 1, 2).baddbmm_(x.view(1, 1, 2), y.new_ones(1, 2, 2)),
    "lerp_tensor_weight": lambda y, x: y.lerp_(y.new_zeros(2), x),
}
X = np.array([[0.3, -1.2], [1.5, 0.7], [-0.4, 2.2]], dtype=np.float32)


def _vmapped_write(m, op, closure):
    y = m.ones(2)
    x = m.from_numpy(X.copy())
    if closure:
        out = m.func.vmap(lambda xi: op(y, xi))(x)
    else:
        out = m.func.vmap(op, in_dims=(None, 0))(y, x)
    return out, y


@pytest.mark.parametrize("closure", [True, False])
@pytest.mark.parametrize("name", sorted(OPS))
def test_vmap_inplace_into_unbatched_tensor(name, closure):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (the fallback ops' warning: test_vmap_fallback_ops_warn_as_torch)
        same_error(lambda m: _vmapped_write(m, OPS[name], closure))


@pytest.mark.parametrize("name", sorted(OPS))
def test_vmap_inplace_refusal_leaves_the_target_unchanged(name):
    got = []
    for m in MODS:
        y = m.ones(2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError):
                m.func.vmap(lambda xi: OPS[name](y, xi))(m.from_numpy(X.copy()))
        got.append(y.numpy().copy())
    np.testing.assert_array_equal(got[1], got[0])


@pytest.mark.parametrize("name", ["pow_", "addcmul_", "lerp_", "clamp_", "scatter_", "scatter_reduce_arg", "eq_",
                                  "masked_fill_value", "lerp_tensor_weight", "addr_"])
def test_vmap_fallback_ops_warn_as_torch(name):
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError):
                _vmapped_write(m, OPS[name], True)
        msgs.append([(str(x.message), x.category.__name__, x.filename) for x in w])
    assert msgs[1] == msgs[0]


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 4), st.lists(st.integers(1, 3), min_size=0, max_size=2), st.booleans())
def test_vmap_add_into_unbatched_broadcast_message(n, shape, in_dim_last):
    rng = np.random.default_rng(n + len(shape))
    x = rng.standard_normal([n, *shape]).astype(np.float32)
    if in_dim_last and shape:
        x = np.moveaxis(x, 0, -1).copy()

    def fn(m):
        y = m.zeros(shape)
        return m.func.vmap(lambda xi: y.add_(xi), in_dims=(-1 if in_dim_last and shape else 0))(m.from_numpy(x))
    same_error(fn)


@pytest.mark.parametrize("case", ["batched_target", "unbatched_operand", "scalar", "fresh_target", "inner_level"])
def test_vmap_inplace_writes_that_torch_allows(case):
    def fn(m):
        x = m.from_numpy(X.copy())
        y = m.full((2,), 2.0)
        if case == "batched_target":
            return m.func.vmap(lambda xi: xi.clone().mul_(y).add_(y))(x)
        if case == "unbatched_operand":
            return m.func.vmap(lambda xi, yy: xi.mul(1).add_(yy), in_dims=(0, None))(x, y)
        if case == "scalar":
            return m.func.vmap(lambda xi: xi.clone().add_(1.5))(x)
        if case == "fresh_target":
            return m.func.vmap(lambda xi: m.zeros_like(xi).add_(xi * 2))(x)
        return m.func.vmap(m.func.vmap(lambda v: v.clone().mul_(v)))(x)
    same_outcome(fn)


def test_vmap_inplace_nested_reports_the_outer_level():
    def fn(m):
        y = m.ones(2)
        x = m.from_numpy(np.stack([X, X * 2]))
        return m.func.vmap(m.func.vmap(lambda v: y.pow_(v)), in_dims=1)(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)


# ---- vmap writing an unbatched value into an unbatched tensor: torch does it once -------------------

ONCE = {
    "add_scalar": lambda y, c, x: y.add_(1),
    "add_unbatched": lambda y, c, x: y.add_(c),
    "mul_unbatched": lambda y, c, x: y.mul_(c),
    "iadd_self": lambda y, c, x: y.__iadd__(y),
    "exp_": lambda y, c, x: y.exp_(),
    "sigmoid_": lambda y, c, x: y.sigmoid_(),
    "addcmul_": lambda y, c, x: y.addcmul_(c, c),
    "clamp_": lambda y, c, x: y.clamp_(max=c * 0.5),
    "index_add_": lambda y, c, x: y.index_add_(0, y.new_tensor([1, 1]).long(), c),
    "unsqueeze_": lambda y, c, x: y.unsqueeze_(0),
    "t_2d": lambda y, c, x: y.view(1, 2).t_(),
    "fill_": lambda y, c, x: y.fill_(3.0),
    "copy_": lambda y, c, x: y.copy_(c),
}


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("name", sorted(ONCE))
def test_vmap_unbatched_write_happens_once(name, n):
    def fn(m):
        y = m.full((2,), 0.5)
        c = m.tensor([1.5, 2.0])
        x = m.from_numpy(np.arange(2.0 * n, dtype=np.float32).reshape(n, 2))
        out = m.func.vmap(lambda xi: xi * 2 + ONCE[name](y, c, xi).sum())(x)
        return out, y.clone()
    same_outcome(fn)


def test_vmap_unbatched_in_dims_none_write_happens_once():
    def fn(m):
        y, x = m.zeros(2), m.from_numpy(X.copy())
        out = m.func.vmap(lambda xi, yy: xi + yy.add_(1), in_dims=(0, None))(x, y)
        return out, y.clone()
    same_outcome(fn)


def test_vmap_counter_buffer_in_a_module_counts_once():
    def fn(m):
        class Counted(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = m.nn.Linear(2, 2)
                self.register_buffer("calls", m.zeros((), dtype=m.long))

            def forward(self, x):
                self.calls += 1
                return self.lin(x)
        m.manual_seed(0)
        mod = Counted()
        out = m.func.vmap(mod)(m.from_numpy(X.copy()))
        # (the loop's output hangs from a stack node: compared without its graph)
        return out.detach(), mod.calls.clone()
    same_outcome(fn)


def test_vmap_nested_unbatched_write_happens_once():
    def fn(m):
        y = m.zeros(2)
        x = m.from_numpy(np.stack([X, X * 2]))
        out = m.func.vmap(m.func.vmap(lambda v: v + y.add_(1)))(x)
        return out, y.clone()
    same_outcome(fn)


BATCHED_INDEX = {
    "setitem_scalar": lambda y, i: y.__setitem__(i, 1.0),
    "setitem_tensor": lambda y, i: y.__setitem__(i, y.new_tensor(5.0)),
    "setitem_both": lambda y, i: y.__setitem__(i, i.to(y.dtype)),
    "index_put_": lambda y, i: y.index_put_((i,), y.new_tensor(5.0)),
    "index_fill_": lambda y, i: y.index_fill_(0, i, 2.0),
    "scatter_value": lambda y, i: y.scatter_(0, i, 2.0),
    "masked_fill_mask": lambda y, i: y.masked_fill_(i == 0, 2.0),
}


@pytest.mark.parametrize("name", sorted(BATCHED_INDEX))
def test_vmap_batched_index_into_unbatched_tensor(name):
    def fn(m):
        y = m.zeros(3)
        idx = m.tensor([[0], [1], [2]])
        return m.func.vmap(lambda i: (BATCHED_INDEX[name](y, i), i * 0)[1])(idx), y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)
