"""Parity of torch.nn.utils.prune: which entries each method prunes (the random ones after the same
manual_seed), the weight_orig parameter / weight_mask buffer / pre-hook layout, iterative pruning
through PruningContainer, global pruning, remove, and the validation errors."""
import importlib
import re

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from ._helpers import same_on_both, same_error


def P(t):
    return importlib.import_module(t.__name__ + ".nn.utils.prune")


def _layout(t, m, name="weight"):
    """Everything visible about a pruned module, flattened for same_on_both."""
    hooks = [type(h).__name__ for h in m._forward_pre_hooks.values()]
    params = [n for n, _ in m.named_parameters()]
    bufs = [n for n, _ in m.named_buffers()]
    return [params, bufs, hooks, list(m.state_dict()), P(t).is_pruned(m), getattr(m, name),
            getattr(m, name + "_mask", None), isinstance(getattr(m, name), t.nn.Parameter)]


def _conv(t, seed=0):
    t.manual_seed(seed)
    return t.nn.Conv2d(3, 6, 3)


@pytest.mark.parametrize("amount", [0, 1, 7, 0.0, 0.25, 0.5, 1.0, 162])
def test_random_unstructured_same_mask(amount):
    def run(t):
        m = _conv(t)
        t.manual_seed(3)
        P(t).random_unstructured(m, "weight", amount=amount)
        return _layout(t, m)
    same_on_both(run, [], grad=False)


@pytest.mark.parametrize("amount", [0, 5, 0.3, 0.5, 1.0])
def test_l1_unstructured(amount):
    def run(t):
        m = _conv(t)
        P(t).l1_unstructured(m, "weight", amount=amount)
        P(t).l1_unstructured(m, "bias", amount=amount if isinstance(amount, float) else 2)
        return _layout(t, m) + _layout(t, m, "bias")
    same_on_both(run, [], grad=False)


@given(st.lists(st.sampled_from([0.0, 1.0, -1.0, 2.0, -2.0, 0.5]), min_size=12, max_size=12),
       st.integers(0, 12))
@settings(max_examples=30, deadline=None)
def test_l1_unstructured_ties(vals, k):
    # many equal magnitudes: the pruned entries follow torch's topk tie order
    def run(t, w):
        m = t.nn.Linear(4, 3, bias=False)
        with t.no_grad():
            m.weight.copy_(w)
        P(t).l1_unstructured(m, "weight", amount=k)
        return [m.weight_mask]
    same_on_both(run, [np.array(vals, dtype=np.float32).reshape(3, 4)], grad=False)


@pytest.mark.parametrize("dim", [0, 1, -1, 3])
@pytest.mark.parametrize("amount", [1, 0.5, 0])
def test_random_structured(dim, amount):
    def run(t):
        m = _conv(t)
        t.manual_seed(5)
        P(t).random_structured(m, "weight", amount=amount, dim=dim)
        return _layout(t, m)
    same_on_both(run, [], grad=False)


@pytest.mark.parametrize("n", [1, 2, float("inf"), float("-inf"), 3])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_ln_structured(n, dim):
    def run(t):
        m = _conv(t)
        P(t).ln_structured(m, "weight", amount=0.34, n=n, dim=dim)
        return _layout(t, m)
    same_on_both(run, [], grad=False)


def test_importance_scores_and_custom_mask():
    def run(t):
        m = t.nn.Linear(5, 4)
        t.manual_seed(1)
        scores = t.rand(4, 5)
        P(t).l1_unstructured(m, "weight", amount=6, importance_scores=scores)
        P(t).ln_structured(m, "weight", amount=1, n=1, dim=0, importance_scores=scores)
        P(t).custom_from_mask(m, "bias", mask=t.tensor([1, 0, 1, 0]))
        P(t).identity(m, "bias")
        return _layout(t, m) + _layout(t, m, "bias")
    same_on_both(run, [], grad=False)


def test_iterative_pruning_container():
    def run(t):
        m = _conv(t)
        t.manual_seed(2)
        p = P(t)
        p.random_unstructured(m, "weight", amount=0.3)
        p.ln_structured(m, "weight", amount=0.5, n=2, dim=0)
        p.random_structured(m, "weight", amount=1, dim=1)
        p.l1_unstructured(m, "weight", amount=10)
        hook = next(iter(m._forward_pre_hooks.values()))
        out = _layout(t, m) + [len(hook), [type(h).__name__ for h in hook], type(hook[0]).__name__,
                               hook._tensor_name]
        p.remove(m, "weight")
        return out + _layout(t, m, "bias")[:5] + [m.weight]
    same_on_both(run, [], grad=False)


def test_hook_recomputes_weight_and_gradients():
    def run(t):
        m = t.nn.Linear(4, 3)
        p = P(t)
        p.l1_unstructured(m, "weight", amount=0.5)
        x = t.ones(2, 4)
        y = m(x).sum()
        y.backward()
        g = m.weight_orig.grad.clone()
        with t.no_grad():
            m.weight_orig.add_(1.0)
        m(x)  # the pre-hook refreshes weight from weight_orig
        opt = t.optim.SGD(m.parameters(), lr=0.1)
        m(x).pow(2).sum().backward()
        opt.step()
        return [g, m.weight, m.weight.grad_fn is not None, type(m.weight.grad_fn).__name__, m.weight_orig,
                m.weight.requires_grad]
    same_on_both(run, [], grad=False)


def test_global_unstructured():
    def run(t):
        t.manual_seed(0)
        model = t.nn.Sequential(t.nn.Linear(6, 5), t.nn.ReLU(), t.nn.Linear(5, 3))
        p = P(t)
        p.l1_unstructured(model[2], "weight", amount=4)    # an earlier mask is respected
        params = ((model[0], "weight"), (model[0], "bias"), (model[2], "weight"))
        p.global_unstructured(params, pruning_method=p.L1Unstructured, amount=0.4)
        t.manual_seed(1)
        p.global_unstructured(((model[2], "bias"),), pruning_method=p.RandomUnstructured, amount=1)
        hooks = [type(h).__name__ for h in model[2]._forward_pre_hooks.values()]
        sparsity = [float((getattr(m, n) == 0).sum()) / getattr(m, n).nelement() for m, n in params]
        return [list(model.state_dict()), hooks, sparsity, model[0].weight_mask, model[0].bias_mask,
                model[2].weight_mask, model[2].bias_mask, p.is_pruned(model)]
    same_on_both(run, [], grad=False)


def test_prune_method_and_custom_subclass():
    def run(t):
        p = P(t)

        class EveryOther(p.BasePruningMethod):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, tensor, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask
        m = t.nn.Linear(3, 4)
        EveryOther.apply(m, "bias")
        t.manual_seed(0)
        w = t.randn(3, 4)
        return [m.bias_mask, m.bias, p.L1Unstructured(amount=5).prune(w),
                p.LnStructured(2, n=1, dim=1).prune(w, importance_scores=w.flip(0)),
                p.CustomFromMask(t.tensor([[1.0, 0, 0, 1]] * 3)).prune(w, default_mask=t.ones(3, 4))]
    same_on_both(run, [], grad=False)


def test_remove_restores_parameter_and_load_state_dict():
    def run(t):
        p = P(t)
        a = t.nn.Linear(4, 2)
        p.l1_unstructured(a, "weight", 3)
        sd = a.state_dict()
        b = t.nn.Linear(4, 2)
        p.identity(b, "weight")
        res = b.load_state_dict(sd)
        b(t.ones(1, 4))
        p.remove(b, "weight")
        return [list(sd), str(res), b.weight, isinstance(b.weight, t.nn.Parameter),
                [n for n, _ in b.named_parameters()], list(b.state_dict()), p.is_pruned(b)]
    same_on_both(run, [], grad=False)


@pytest.mark.parametrize("case", range(12))
def test_errors(case):
    def fn(t):
        p = P(t)
        m = t.nn.Linear(3, 2)
        if case == 0:
            p.l1_unstructured(m, "weight", amount=-1)
        elif case == 1:
            p.l1_unstructured(m, "weight", amount=1.5)
        elif case == 2:
            p.l1_unstructured(m, "weight", amount="0.3")
        elif case == 3:
            p.random_unstructured(m, "weight", amount=7)
        elif case == 4:
            p.ln_structured(m, "bias", amount=1, n=2, dim=0)
        elif case == 5:
            p.random_structured(m, "weight", amount=1, dim=2)
        elif case == 6:
            p.remove(m, "weight")
        elif case == 7:
            try:    # the message names the class by its path, which starts with the package's name
                p.global_unstructured([(m, "weight")], pruning_method=p.RandomStructured, amount=1)
            except TypeError as e:
                raise TypeError(str(e).replace("glasstorch.", "torch.")) from None
        elif case == 8:
            p.l1_unstructured(m, "weight", amount=1, importance_scores=t.ones(2, 2))
        elif case == 9:
            p.global_unstructured(5, pruning_method=p.L1Unstructured, amount=1)
        elif case == 10:
            p.global_unstructured([(m, "weight")], pruning_method=p.L1Unstructured, importance_scores=[1], amount=1)
        else:
            p.custom_from_mask(m, "weight", mask=t.ones(3, 2))
    same_error(fn)


def test_failed_prune_puts_parameter_back():
    def run(t):
        p = P(t)
        m = t.nn.Linear(3, 2)
        try:
            p.l1_unstructured(m, "weight", amount=9)
        except ValueError:
            pass
        return [[n for n, _ in m.named_parameters()], [n for n, _ in m.named_buffers()], p.is_pruned(m)]
    same_on_both(run, [], grad=False)


def test_container_errors():
    def add_wrong(t):
        p = P(t)
        a = p.L1Unstructured(1)
        a._tensor_name = "weight"
        b = p.Identity()
        b._tensor_name = "bias"
        c = p.PruningContainer(a)
        try:
            c.add_pruning_method(b)
        except ValueError as e:     # the message holds the container's repr: path and address differ
            raise ValueError(re.sub(r"<\S+ object at 0x[0-9a-f]+>", "<container>", str(e))) from None
    same_error(add_wrong)
    same_error(lambda t: P(t).PruningContainer(P(t).Identity()).add_pruning_method(3))
