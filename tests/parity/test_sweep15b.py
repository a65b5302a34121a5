"""Parity tests for the differences found by sweep 15b's programs (tests/programs/sweep15b_*.py):
Kaggle tricks and model evaluation (K-fold, samplers, mixup, calibration, ensembles, metrics)."""
import warnings

import pytest
import torch

import glasstorch

from ._helpers import same_expression, same_outcome

# each snippet runs with ``torch`` bound to the library; we count the grad-to-scalar warnings
GRAD_SCALAR_SNIPPETS = {
    "float_under_no_grad": "w = torch.tensor(2.0, requires_grad=True) * 1\nwith torch.no_grad():\n    float(w)",
    "tensor_of_list_under_no_grad": ("w = torch.tensor(2.0, requires_grad=True) * 1\nwith torch.no_grad():\n"
                                     "    torch.tensor([w, w])"),
    "complex": "w = torch.tensor(2.0, requires_grad=True) * 1\ncomplex(w)",
    "float_after_no_grad": ("w = torch.tensor(2.0, requires_grad=True) * 1\nwith torch.no_grad():\n    float(w)\n"
                            "float(w)"),
    "lbfgs_step": ("T = torch.nn.Parameter(torch.ones(1))\nopt = torch.optim.LBFGS([T], lr=0.1, max_iter=3)\n"
                   "def closure():\n    opt.zero_grad()\n    loss = ((T - 3) ** 2).sum()\n    loss.backward()\n"
                   "    return loss\nopt.step(closure)"),
    "lbfgs_strong_wolfe": ("T = torch.nn.Parameter(torch.ones(1))\n"
                           "opt = torch.optim.LBFGS([T], max_iter=3, line_search_fn='strong_wolfe')\n"
                           "def closure():\n    opt.zero_grad()\n    loss = ((T - 3) ** 2).sum()\n"
                           "    loss.backward()\n    return loss\nopt.step(closure)"),
}

def _count(mod, body):
    """How many grad-to-scalar warnings ``body`` raises with ``torch`` bound to ``mod``; warn_always makes
    torch's TORCH_WARN_ONCE warn every time, so one process serves every case."""
    prev = mod.is_warn_always_enabled()
    mod.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            exec(body, {"torch": mod})
    finally:
        mod.set_warn_always(prev)
    return sum("to a scalar" in str(r.message) for r in rec)


@pytest.mark.parametrize("name", sorted(GRAD_SCALAR_SNIPPETS))
def test_grad_to_scalar_warning_only_in_grad_mode(name):
    body = GRAD_SCALAR_SNIPPETS[name]
    assert _count(glasstorch, body) == _count(torch, body)


@pytest.mark.parametrize("expr", [
    # the weights are kept as a float64 tensor, whatever they were given as
    "t.utils.data.WeightedRandomSampler([1, 2, 3], 4).weights",
    "t.utils.data.WeightedRandomSampler(t.tensor([0.5, 1.5], dtype=t.float32), 2).weights",
    "str(t.utils.data.WeightedRandomSampler([0.1, 0.2], 2, replacement=False).weights.dtype)",
    "list(t.utils.data.WeightedRandomSampler([0.1, 0.9, 0.5], 6, generator=t.Generator().manual_seed(3)))",
    "list(t.utils.data.WeightedRandomSampler(t.tensor([1.0, 0.0, 2.0, 4.0]), 3, replacement=False))",
    # multinomial's own checks, raised while iterating
    "list(t.utils.data.WeightedRandomSampler([1.0, 1.0], 3, replacement=False))",
    "list(t.utils.data.WeightedRandomSampler([1.0, -1.0], 3))",
    "list(t.utils.data.WeightedRandomSampler([0.0, 0.0], 3))",
    "t.utils.data.WeightedRandomSampler([[1.0, 2.0]], 3)",
])
def test_weighted_random_sampler(expr):
    same_expression(expr)


def _warning_texts(mod, fn):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fn(mod)
    return [(r.category.__name__, str(r.message)) for r in rec]


def test_non_leaf_grad_warning_text():
    # e.g. reading .grad of a Beta rsample's parameter after an arithmetic op
    def fn(mod):
        a = mod.tensor(2.0, requires_grad=True) * 3
        a.sum().backward()
        return a.grad
    assert _warning_texts(glasstorch, fn) == _warning_texts(torch, fn)


@pytest.mark.parametrize("ls", [-0.1, -2.0, 0.0, 0.3, 1.0, 1.5, 2.0, 1e20, float("inf"), float("nan")])
@pytest.mark.parametrize("target", ["index", "probs", "index_weighted", "probs_bad_weight", "index_bad"])
def test_cross_entropy_label_smoothing_range(ls, target):
    # only a positive label_smoothing smooths and is range-checked (torch: `label_smoothing > 0.0`)
    def fn(m):
        x = m.linspace(-1, 1, 6).reshape(2, 3)
        kw = {"label_smoothing": ls}
        if target == "index":
            return m.nn.functional.cross_entropy(x, m.tensor([0, 2]), **kw)
        if target == "probs":
            return m.nn.functional.cross_entropy(x, m.tensor([[0.2, 0.3, 0.5], [1.0, 0, 0]]), **kw)
        if target == "index_weighted":
            return m.nn.CrossEntropyLoss(weight=m.tensor([1.0, 2.0, 0.5]), ignore_index=0, **kw)(x, m.tensor([0, 2]))
        if target == "probs_bad_weight":
            return m.nn.functional.cross_entropy(x, m.ones(2, 3) / 3, weight=m.ones(4), **kw)
        return m.nn.functional.cross_entropy(x, m.tensor([0, 7]), **kw)
    same_outcome(fn)


@pytest.mark.parametrize("pos_weight,weight", [
    ((3,), None), ((3, 1), None), ((5, 2), None), ((2, 4, 2), None), ((1, 2), None), ((4, 1), None),
    (None, (3,)), (None, (1, 4, 2)), (None, (4, 1)), ((2,), (4, 3)), ((2,), (2,)),
])
def test_bce_with_logits_weight_shapes(pos_weight, weight):
    def fn(m):
        x = m.linspace(-2, 2, 8).reshape(4, 2)
        pw = None if pos_weight is None else m.full(pos_weight, 2.0)
        w = None if weight is None else m.full(weight, 0.5)
        return m.nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction="none")(x, m.ones(4, 2) * 0.25)
    same_outcome(fn)


@pytest.mark.parametrize("expr", [
    "t.distributions.beta.Beta(t.tensor(0.4), t.tensor(0.4)).sample((3,))",
    "t.distributions.exponential.Exponential(t.tensor([2.0])).sample((2,))",
    "sorted(k for k, v in vars(t.distributions).items() if type(v).__name__ == 'module' and not k.startswith('_')"
    " and not k.startswith('kl_'))",
])
def test_distribution_submodules_are_attributes(expr):
    same_expression(expr)


@pytest.mark.parametrize("kw", [
    {"pin_memory": True}, {"pin_memory": False}, {"pin_memory": True, "pin_memory_device": "cuda"},
    {"pin_memory": False, "pin_memory_device": "cuda"}, {"pin_memory": True, "num_workers": 2},
    {"pin_memory": True, "num_workers": 1, "persistent_workers": True},
])
def test_dataloader_pin_memory_warns_without_accelerator(kw):
    # Kaggle notebooks pass pin_memory=True everywhere; a CPU-only torch warns as each iterator starts
    def fn(mod):
        ds = mod.utils.data.TensorDataset(mod.arange(6.0))
        dl = mod.utils.data.DataLoader(ds, batch_size=4, **kw)
        for _ in range(2):                     # two epochs
            for _ in dl:
                pass
    assert _warning_texts(glasstorch, fn) == _warning_texts(torch, fn)


@pytest.mark.parametrize("shape,dim", [((0, 2), 0), ((0, 2), 1), ((2, 0), 0), ((2, 0), -1), ((0,), 0), ((0,), -1),
                                       ((), 0), ((3, 0, 2), 1), ((3, 0, 2), 2)])
def test_mode_over_empty_dim(shape, dim):
    # a majority vote over zero ensemble members: torch refuses an empty reduction dim
    same_outcome(lambda m: tuple(m.mode(m.zeros(shape, dtype=m.long), dim)))
