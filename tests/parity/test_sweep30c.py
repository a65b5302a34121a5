"""Parity pins for sweep30c (meta-learning and few-shot learning programs).

Fixed in glasstorch:
- random ops under ``torch.func.vmap(..., randomness="different")`` draw as torch's BatchedTensor does: one
  draw of shape ``(batch, *shape)`` per op for the whole batch (per chunk with ``chunk_size``), not one draw per
  entry.  Before, ``torch.randn(4)`` over a batch of 5 took five scalar-path draws instead of torch's one
  vectorized draw of 20, and two random ops in the function (``rand(2) + randn(2)``, dropout then randn)
  interleaved their draws entry by entry; an empty batch drew for its shape-only run, torch draws nothing
  (``_vmap_random.py``, hooked into the generator's samplers and the vmap loop); ``vmap`` with a ``chunk_size``
  over an empty batch raises torch's ``AssertionError: arg_spec must not be None`` (``_vmap.py``);
- ``torch.func.functional_call`` with the name of a parametrized tensor (``{"weight": w}`` on a weight_norm,
  spectral_norm or orthogonal layer) raised NotImplementedError: it now assigns through the parametrization
  as torch's swap does (right_inverse into the originals under no_grad, the parametrization read twice before
  and twice when putting back, so spectral_norm's power iteration moves alike), and torch's swap checks come
  first: "3.0 is not an instance of torch.Tensor" (TypeError), "attribute `extra`: 5 is not an instance of
  torch.Tensor", the empty-name KeyError, "Linear has no attribute `sub`", "submodule `weight`: ... is not an
  instance of torch.nn.Module" (``func.py``);
- assigning to a parametrized tensor: a right_inverse returning several tensors checks each one's type and
  dtype with torch's messages; a single original takes a new shape (torch's set_ allows it; glasstorch
  refused it); registering a parametrization bumps the original's version as torch's set_ onto itself does
  (``nn/utils/parametrize.py``);
- ``WeightNormInterfaceBackward0`` saves g before v, as torch's node does, so when both were changed in place
  the version-counter error names g (``nn/utils/_weight_norm_op.py``);
- BatchNorm under vmap: a batched input with the module's own (unbatched) running statistics is torch's
  "Batch norm got a batched tensor as input while the running_mean or running_var ... were not batched" error,
  with the statistics left as they were (glasstorch updated them once per batch entry); an unbatched input
  updates them, and ``num_batches_tracked``, once for the whole batch, as torch's single run does; per-entry
  buffers (stack_module_state) update per entry as before (``_vmap_inplace.py``, ``nn/_ops/normalization.py``,
  ``nn/modules/batchnorm.py``, ``_vmap_dynamic.py``);
- functorch's refusal to write into a captured tensor inside grad / vjp / jvp / jacrev / jacfwd / hessian
  ("During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call in-place operation
  (aten::add_.Tensor) that would mutate a captured Tensor. ..."): glasstorch mutated it silently, so a
  training BatchNorm inside torch.func.grad (the everyday MAML-with-torch.func case) ran and moved its
  statistics.  Tensors born inside a transform, its inputs, and ``_foreach_*_`` ops (which torch lets through)
  stay allowed (``_func_captures.py``, hooked into tensor creation, ``_functorch_active.py``, ``func._track``,
  ``ops/inplace.commit``, ``ops/arithmetic_inplace.py``, ``ops/fill.py``, ``_tensor_random.py``,
  ``_tensor_index.py``, ``_foreach.py``);
- ``Tensor.requires_grad_()`` inside a function run by any torch.func transform (vmap included) is torch's
  "You are attempting to call Tensor.requires_grad_() ... inside of a function being transformed by a functorch
  transform" error; glasstorch's own internal calls (its transforms track inputs that way) are let through
  (``_tensor.py``, ``_func_captures.py``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_outcome

D = "different"


def _after(m, fn, x_shape=(5, 3), seed=0, **vmap_kw):
    """vmap ``fn`` over a seeded batch; return its result and the next draws (the generator moved as torch's)."""
    m.manual_seed(seed)
    x = m.randn(*x_shape)
    out = m.func.vmap(lambda v: fn(m, v), randomness=D, **vmap_kw)(x)
    return out, m.rand(3), m.randn(17)


RANDOM = {
    "rand+randn": lambda m, v: m.rand(2) + m.randn(2),
    "randn4 (vectorized in the batch)": lambda m, v: m.randn(4),
    "randn 2d": lambda m, v: m.randn(2, 3),
    "randn f64": lambda m, v: m.randn(4, dtype=m.float64),
    "randn_like": lambda m, v: m.randn_like(v) + v,
    "dropout then randn": lambda m, v: m.nn.functional.dropout(v, 0.3) + m.randn(3),
    "normal(mean tensor)": lambda m, v: m.normal(v, 2.0) + m.rand(3),
    "normal(mean, std tensors)": lambda m, v: m.normal(v, v.abs() + 1),
    "randint_like": lambda m, v: m.randint_like(v, 10) + m.randint(0, 4, (3,)),
    "uniform_ then rand": lambda m, v: v.clone().uniform_(-1, 1) + m.rand(3),
    "exponential_": lambda m, v: v.clone().exponential_() * m.randn(()),
    "bernoulli_(p)": lambda m, v: v.clone().bernoulli_(0.3) + m.randn(3),
    "bernoulli(probs) then rand": lambda m, v: m.bernoulli(v.sigmoid()) + m.rand(3),
    "cauchy_ log_normal_ geometric_": lambda m, v: (v.clone().cauchy_() + v.clone().log_normal_()
                                                     + v.clone().geometric_(0.3)),
    "rand complex": lambda m, v: m.randn(3, dtype=m.complex64).abs() + m.rand(3),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_vmap_different_draws_for_the_whole_batch(name):
    same_outcome(lambda m: _after(m, RANDOM[name]))


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(0, 7), width=st.integers(1, 9), chunk=st.one_of(st.none(), st.integers(1, 8)),
       ops=st.lists(st.sampled_from(["rand", "randn", "randint", "dropout", "bernoulli", "randn_like"]),
                    min_size=1, max_size=3), seed=st.integers(0, 2 ** 16))
def test_vmap_different_random_sequences(batch, width, chunk, ops, seed):
    def fn(m, v):
        out = v
        for op in ops:
            if op == "rand":
                out = out + m.rand(width)
            elif op == "randn":
                out = out * m.randn(width)
            elif op == "randint":
                out = out + m.randint(-3, 3, (width,))
            elif op == "dropout":
                out = m.nn.functional.dropout(out, 0.4)
            elif op == "bernoulli":
                out = out + m.bernoulli(out.sigmoid())
            else:
                out = out + m.randn_like(out)
        return out
    same_outcome(lambda m: _after(m, fn, (batch, width), seed, chunk_size=chunk))


def test_vmap_different_empty_batch_draws_nothing():
    same_outcome(lambda m: _after(m, lambda m, v: m.randn(3) + m.nn.functional.dropout(v), (0, 3)))


def test_vmap_different_in_dims_and_nested():
    def run(m):
        m.manual_seed(3)
        x = m.randn(4, 6)
        a = m.func.vmap(lambda v: m.randn(5) * v[0], in_dims=1, randomness=D)(x)
        b = m.func.vmap(m.func.vmap(lambda s: m.rand(()) + s, randomness=D), randomness=D)(x[:2, :3])
        return a, b, m.rand(2)
    same_outcome(run)


def test_vmap_different_ensemble_with_dropout():
    """A stacked ensemble (stack_module_state + functional_call) with dropout: a different mask per member."""
    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(5, 8), m.nn.Dropout(0.5), m.nn.Linear(8, 2))
        import copy
        params, bufs = m.func.stack_module_state([copy.deepcopy(net) for _ in range(3)])
        base = copy.deepcopy(net).to("meta")
        x = m.randn(6, 5)
        f = lambda p, b, xx: m.func.functional_call(base, (p, b), (xx,))
        out = m.func.vmap(f, in_dims=(0, 0, None), randomness=D)(params, bufs, x)
        same = m.func.vmap(f, in_dims=(0, 0, None), randomness="same")(params, bufs, x)
        return out.detach(), same.detach(), m.rand(2)
    # (batched matmuls may differ in the last bit; a wrong dropout mask would not be close)
    same_outcome(run, rtol=1e-6, atol=1e-6)


def test_vmap_different_grad_of_dropout():
    def run(m):
        m.manual_seed(1)
        x = m.randn(4, 20)
        g = m.func.vmap(m.func.grad(lambda v: (m.nn.functional.dropout(v, 0.5) * v).sum()), randomness=D)(x)
        return g, m.randn(3)
    same_outcome(run)


def test_vmap_other_modes_unchanged():
    def run(m):
        m.manual_seed(2)
        x = m.randn(5, 4)
        same = m.func.vmap(lambda v: m.randn(4) + m.rand(4) + v, randomness="same")(x)
        return same, m.rand(3)
    same_outcome(run)
    same_outcome(lambda m: m.func.vmap(lambda v: v + m.randn(3))(m.ones(2, 3)))


# ---- functional_call over parametrized tensors, and torch's swap checks ---------------------------------

def _parametrized(m, kind, seed=0):
    m.manual_seed(seed)
    P = m.nn.utils.parametrizations
    if kind == "weight_norm":
        return P.weight_norm(m.nn.Linear(3, 4))
    if kind == "weight_norm_none":
        return P.weight_norm(m.nn.Linear(3, 4), dim=None)
    if kind == "spectral_norm":
        return P.spectral_norm(m.nn.Linear(3, 4))
    return P.orthogonal(m.nn.Linear(4, 4))


@pytest.mark.parametrize("kind", ["weight_norm", "weight_norm_none", "spectral_norm", "orthogonal"])
def test_functional_call_assigns_through_the_parametrization(kind):
    """The value goes through right_inverse into the originals; the module's state afterwards is torch's."""
    def run(m):
        net = _parametrized(m, kind)
        x = m.randn(2, net.in_features)
        w = m.randn(net.out_features, net.in_features, requires_grad=True)
        out = m.func.functional_call(net, {"weight": w}, (x,))
        state = [v.detach().clone() for v in net.state_dict().values()]
        return [out.detach(), *state, net.weight.detach()]
    same_outcome(run, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", ["weight_norm", "spectral_norm", "orthogonal"])
def test_functional_call_parametrized_backward(kind):
    """No gradient reaches the value passed; the originals were rewritten in place after the forward
    (torch's version-counter error), or they get the gradient (orthogonal keeps its original)."""
    def run(m):
        net = _parametrized(m, kind)
        w = m.randn(net.out_features, net.in_features, requires_grad=True)
        out = m.func.functional_call(net, {"weight": w}, (m.randn(2, net.in_features),))
        out.sum().backward()
        return [w.grad is None] + [p.grad for p in net.parameters() if p.grad is not None]
    same_outcome(run, rtol=1e-6, atol=1e-6)


FC_ERRORS = {
    "float for a parameter": lambda m, net: m.func.functional_call(net, {"weight": 3.0}, (m.ones(1, 2),)),
    "list for a parameter": lambda m, net: m.func.functional_call(net, {"weight": [[1.0, 0.0]]}, (m.ones(1, 2),)),
    "float for a new name": lambda m, net: m.func.functional_call(net, {"foo": 3.0}, (m.ones(1, 2),)),
    "non-tensor attribute": lambda m, net: m.func.functional_call(net, {"extra": m.ones(1)}, (m.ones(1, 2),)),
    "empty name": lambda m, net: m.func.functional_call(net, {"": m.ones(1)}, (m.ones(1, 2),)),
    "missing submodule": lambda m, net: m.func.functional_call(net, {"sub.weight": m.ones(1)}, (m.ones(1, 2),)),
    "tensor as submodule": lambda m, net: m.func.functional_call(net, {"weight.x": m.ones(1)}, (m.ones(1, 2),)),
    "parametrized float": lambda m, net: m.func.functional_call(
        m.nn.utils.parametrizations.weight_norm(net), {"weight": 3.0}, (m.ones(1, 2),)),
    "parametrized wrong dtype": lambda m, net: m.func.functional_call(
        m.nn.utils.parametrizations.weight_norm(net), {"weight": m.ones(2, 2, dtype=m.float64)}, (m.ones(1, 2),)),
}


@pytest.mark.parametrize("name", sorted(FC_ERRORS))
def test_functional_call_swap_errors(name):
    def run(m):
        m.manual_seed(0)
        net = m.nn.Linear(2, 2)
        net.extra = 5
        return FC_ERRORS[name](m, net)
    same_outcome(run)


def test_functional_call_none_and_new_names_still_work():
    def run(m):
        m.manual_seed(0)
        net = m.nn.Linear(2, 2)
        net.register_buffer("buf", None)
        a = m.func.functional_call(net, {"bias": None}, (m.ones(1, 2),))
        b = m.func.functional_call(net, {"buf": m.ones(1), "new": m.ones(1)}, (m.ones(1, 2),))
        return a, b, m.tensor(hasattr(net, "new"))
    same_outcome(run)


class _Sym:
    """Symmetric from the upper triangle; right_inverse keeps the value (so any shape is accepted)."""

    @staticmethod
    def make(m, with_inverse=True, pair=False):
        class Sym(m.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).T

            if with_inverse:
                def right_inverse(self, X):
                    return X

        class Pair(m.nn.Module):
            def forward(self, a, b):
                return a * b

            def right_inverse(self, X):
                return X, m.ones_like(X)
        return Pair() if pair else Sym()


@pytest.mark.parametrize("case", ["new shape", "wrong dtype", "no inverse", "pair dtype", "pair new shape",
                                  "pair non-tensor", "pair short", "pair not a sequence"])
def test_parametrization_assignment(case):
    def run(m):
        m.manual_seed(0)
        net = m.nn.Linear(3, 3)
        pair = case.startswith("pair")
        m.nn.utils.parametrize.register_parametrization(net, "weight", _Sym.make(m, case != "no inverse", pair))
        plist = net.parametrizations.weight
        if case == "pair non-tensor":
            plist[0].right_inverse = lambda X: (X, 3)
        elif case == "pair short":
            plist[0].right_inverse = lambda X: [X]
        elif case == "pair not a sequence":
            plist[0].right_inverse = lambda X: X
        value = {"wrong dtype": m.ones(3, 3, dtype=m.float64), "pair dtype": m.ones(3, 3, dtype=m.float64),
                 "new shape": m.arange(4.0).view(2, 2), "pair new shape": m.arange(6.0).view(2, 3)}.get(case, m.ones(3, 3))
        net.weight = value
        return [p.detach() for p in plist.parameters()] + [net.weight.detach()]
    same_outcome(run)


def test_parametrization_registration_bumps_the_version():
    """Registering stores right_inverse(original) back with set_, a version bump even onto itself."""
    def run(m):
        m.manual_seed(0)
        out = []
        for make in (lambda: m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(3, 4)),
                     lambda: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(4, 4))):
            net = make()
            out.append(net.parametrizations.weight.original._version)
            net.weight = net.weight.detach() * 1
            out.append(net.parametrizations.weight.original._version)
        return m.tensor(out)
    same_outcome(run)


def test_weight_norm_backward_checks_g_before_v():
    """Both originals changed in place after the forward: torch's error names g ([4, 1]) first."""
    def run(m):
        m.manual_seed(0)
        net = m.nn.utils.parametrizations.weight_norm(m.nn.Linear(3, 4))
        y = net(m.randn(2, 3)).sum()
        net.weight = m.randn(4, 3)
        y.backward()
    same_outcome(run)


# ---- BatchNorm's running statistics under vmap ------------------------------------------------------------

def _bn_net(m, **kw):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4, **kw), m.nn.ReLU(), m.nn.Linear(4, 2))


def _bn_state(net):
    return [net[1].running_mean.clone(), net[1].running_var.clone(), net[1].num_batches_tracked.clone()]


@pytest.mark.parametrize("kw", [{}, {"affine": False}, {"momentum": 0.3}])
def test_vmap_batchnorm_refuses_unbatched_running_stats(kw):
    """A batched input with the module's own (unbatched) running stats: torch's error, the stats untouched."""
    def run(m):
        net = _bn_net(m, **kw)
        try:
            m.func.vmap(net)(m.randn(5, 6, 3))
        except RuntimeError as e:
            return [m.tensor(len(str(e)))] + _bn_state(net), str(e)
    same_outcome(lambda m: run(m)[0])
    assert run(torch)[1] == run(glasstorch)[1]


def test_vmap_batchnorm_unbatched_input_updates_once():
    def run(m):
        bn = m.nn.BatchNorm2d(3)
        x = m.arange(24.0).view(2, 3, 2, 2)
        out = m.func.vmap(lambda _: bn(x))(m.zeros(4))
        # (the output's grad_fn is the loop's stack here, not torch's: values only)
        return [out.detach()] + [bn.running_mean, bn.running_var, bn.num_batches_tracked]
    same_outcome(run)


def test_vmap_batchnorm_nested_and_functional():
    def run(m):
        net = _bn_net(m)
        x = m.randn(5, 1, 6, 3)
        try:
            m.func.vmap(m.func.vmap(net))(x)
        except RuntimeError as e:
            msg = str(e)
        rm, rv = m.zeros(4), m.ones(4)
        try:
            m.func.vmap(lambda v: m.nn.functional.batch_norm(v, rm, rv, training=True))(m.randn(3, 5, 4))
        except RuntimeError as e:
            msg2 = str(e)
        return _bn_state(net) + [rm, rv, m.tensor(msg == msg2)]
    same_outcome(run)


def test_vmap_batchnorm_batched_buffers_and_eval_still_work():
    """stack_module_state buffers (a slice per model) update per model; eval mode and
    track_running_stats=False read nothing in place."""
    def run(m):
        import copy
        models = []
        for s in range(3):
            m.manual_seed(s)
            models.append(m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4), m.nn.Linear(4, 2)))
        params, bufs = m.func.stack_module_state(models)
        base = copy.deepcopy(models[0]).to("meta")
        x = m.randn(6, 3)
        out = m.func.vmap(lambda p, b, xx: m.func.functional_call(base, (p, b), (xx,)), in_dims=(0, 0, None))(
            params, bufs, x)
        ev = _bn_net(m).eval()
        y = m.func.vmap(ev)(m.randn(5, 6, 3))
        free = _bn_net(m, track_running_stats=False)
        z = m.func.vmap(free)(m.randn(5, 6, 3))
        return [out.detach(), bufs["1.running_mean"], bufs["1.running_var"], bufs["1.num_batches_tracked"],
                y.detach(), z.detach()] + _bn_state(ev)
    same_outcome(run, rtol=1e-6, atol=1e-6)


def test_replace_all_batch_norm_modules_then_vmap():
    def run(m):
        net = _bn_net(m)
        m.func.replace_all_batch_norm_modules_(net)
        x, y = m.randn(4, 6, 3), m.randint(0, 2, (4, 6))
        p = {k: v.detach() for k, v in net.named_parameters()}
        loss = lambda pp, xx, yy: m.nn.functional.cross_entropy(m.func.functional_call(net, pp, (xx,)), yy)
        g = m.func.vmap(m.func.grad(loss), in_dims=(None, 0, 0))(p, x, y)
        return [g[k] for k in sorted(g)]
    same_outcome(run, rtol=1e-5, atol=1e-6)


# ---- functorch's refusal to mutate captured tensors ---------------------------------------------------------

CAPTURED = {
    "add_": lambda m, c, x: c.add_(1), "iadd tensor": lambda m, c, x: c.__iadd__(m.ones(3)),
    "sub_": lambda m, c, x: c.sub_(x), "mul_": lambda m, c, x: c.mul_(2), "div_": lambda m, c, x: c.div_(2),
    "div_ floor": lambda m, c, x: c.div_(2, rounding_mode="floor"), "zero_": lambda m, c, x: c.zero_(),
    "fill_": lambda m, c, x: c.fill_(1.0), "fill_ tensor": lambda m, c, x: c.fill_(m.tensor(2.0)),
    "copy_": lambda m, c, x: c.copy_(x), "setitem int": lambda m, c, x: c.__setitem__(0, 1.0),
    "setitem slice": lambda m, c, x: c.__setitem__(slice(0, 2), x[:2]),
    "setitem mask": lambda m, c, x: c.__setitem__(c > -1, 2.0),
    "setitem index": lambda m, c, x: c.__setitem__(m.tensor([0, 2]), 2.0),
    "clamp_": lambda m, c, x: c.clamp_(0, 1), "exp_": lambda m, c, x: c.exp_(), "relu_": lambda m, c, x: c.relu_(),
    "F.relu inplace": lambda m, c, x: m.nn.functional.relu(c, inplace=True),
    "masked_fill_": lambda m, c, x: c.masked_fill_(c > -1, 1.0), "lerp_": lambda m, c, x: c.lerp_(x, 0.5),
    "index_add_": lambda m, c, x: c.index_add_(0, m.tensor([0]), m.ones(1)),
    "scatter_": lambda m, c, x: c.scatter_(0, m.tensor([1]), m.ones(1)), "pow_": lambda m, c, x: c.pow_(2),
    "uniform_": lambda m, c, x: c.uniform_(), "normal_": lambda m, c, x: c.normal_(),
    "bernoulli_": lambda m, c, x: c.bernoulli_(0.5),
    "view of captured": lambda m, c, x: c[:2].add_(1), "detached captured": lambda m, c, x: c.detach().mul_(2),
    "no_grad": lambda m, c, x: m.no_grad().__enter__() and None or c.add_(1),
    # allowed: torch's _foreach_*_ return nothing, so functorch does not count them
    "_foreach_add_": lambda m, c, x: m._foreach_add_([c], 1.0), "_foreach_zero_": lambda m, c, x: m._foreach_zero_([c]),
    # allowed: the function's own tensors
    "clone then add_": lambda m, c, x: c.clone().add_(x), "fresh zeros": lambda m, c, x: m.zeros(3).add_(x),
    "zeros_like setitem": lambda m, c, x: m.zeros_like(x).__setitem__(0, x[1]),
    "fresh data": lambda m, c, x: m.ones(3).data.mul_(2),
}


@pytest.mark.parametrize("name", sorted(CAPTURED))
@pytest.mark.parametrize("transform", ["grad", "vjp", "jvp", "jacrev", "jacfwd", "hessian"])
def test_transforms_refuse_mutating_captured_tensors(name, transform):
    def run(m):
        c = m.zeros(3)

        def f(x):
            with m.enable_grad():
                CAPTURED[name](m, c, x)
            return (x * x).sum() if transform in ("grad", "hessian") else x * 2
        x = m.ones(3)
        F = m.func
        if transform in ("grad", "jacrev", "jacfwd", "hessian"):
            out = getattr(F, transform)(f)(x)
        elif transform == "vjp":
            out = F.vjp(f, x)[0]
        else:
            out = F.jvp(f, (x,), (m.ones(3),))[1]
        return out, c
    if name == "no_grad":
        try:
            same_outcome(run)
        finally:
            torch.set_grad_enabled(True)
            glasstorch.set_grad_enabled(True)
        return
    same_outcome(run)


def test_captured_mutation_batchnorm_module_and_inputs():
    """The everyday case: a training BatchNorm inside grad; its buffers are left as they were.  The function's
    inputs are its own: writing into them is autograd's business (the leaf error), not functorch's."""
    def run(m):
        net = _bn_net(m)
        x = m.randn(6, 3)
        out = []
        for f in (lambda: m.func.grad(lambda xx: net(xx).sum())(x),
                  lambda: m.func.grad(lambda p: m.func.functional_call(net, p, (x,)).sum())(dict(net.named_parameters())),
                  lambda: m.func.jacrev(net)(x),
                  lambda: m.func.grad(lambda xx: xx.add_(1).sum())(m.ones(3)),
                  lambda: m.func.grad(lambda xx: xx[:2].mul_(2).sum())(m.ones(3))):
            try:
                r = f()
                out.append(r if isinstance(r, m.Tensor) else m.stack([v.sum() for v in r.values()]))
            except RuntimeError as e:
                out.append(m.tensor(len(str(e))))
        return out + _bn_state(net)
    same_outcome(run, rtol=1e-6, atol=1e-6)


def test_captured_mutation_nested_levels():
    """An outer transform's input is captured by an inner one; a tensor born inside the inner one is its own."""
    def run(m):
        res = []
        for f in (lambda: m.func.grad(lambda y: m.func.grad(lambda x: (y.add_(1), (x * y).sum())[1])(m.ones(3)).sum())(
                      m.ones(3)),
                  lambda: m.func.grad(lambda y: m.func.grad(lambda x: (m.zeros(3).add_(y) * x).sum())(m.ones(3)).sum())(
                      m.ones(3)),
                  lambda: m.func.vmap(m.func.grad(lambda x: (m.zeros(2).add_(1), x.sum())[1]))(m.ones(2, 3))):
            try:
                res.append(f())
            except RuntimeError as e:
                res.append(m.tensor(len(str(e))))
        return res
    same_outcome(run)


REQUIRES_GRAD_IN = {
    "fresh": lambda m, x: m.zeros(3).requires_grad_(), "fresh False": lambda m, x: m.zeros(3).requires_grad_(False),
    "input": lambda m, x: x.requires_grad_(), "non-leaf": lambda m, x: (x * 2).requires_grad_(False),
    "integer": lambda m, x: m.zeros(3, dtype=m.long).requires_grad_(),
    "bad argument": lambda m, x: m.zeros(3).requires_grad_(1),
    # allowed: the attribute, a Parameter, a module built inside
    "attribute": lambda m, x: setattr(m.zeros(3), "requires_grad", True),
    "Parameter": lambda m, x: m.nn.Parameter(m.zeros(3)), "Linear": lambda m, x: m.nn.Linear(3, 1)(x),
}


@pytest.mark.parametrize("name", sorted(REQUIRES_GRAD_IN))
@pytest.mark.parametrize("transform", ["grad", "vmap", "jvp", "jacrev"])
def test_requires_grad_inside_a_transform(name, transform):
    def run(m):
        def f(x):
            REQUIRES_GRAD_IN[name](m, x)
            return (x * x).sum()
        F = m.func
        if transform == "grad":
            return F.grad(f)(m.ones(3))
        if transform == "vmap":
            return F.vmap(f)(m.ones(2, 3))
        if transform == "jvp":
            return F.jvp(f, (m.ones(3),), (m.ones(3),))[1]
        return F.jacrev(f)(m.ones(3))
    same_outcome(run)


def test_requires_grad_outside_and_nested_transforms_unchanged():
    def run(m):
        a = m.zeros(2).requires_grad_()
        g = m.func.grad(lambda y: m.func.grad(lambda x: (x * y).sum())(y).sum())(m.ones(3))
        h = m.func.vmap(m.func.grad(lambda x: (x ** 3).sum()))(m.ones(2, 3))
        return a, g, h
    same_outcome(run)
