"""A view's grad_fn after its base (or another view of it) changed in place without autograd
recording it (under ``no_grad``), against torch.

torch regenerates the grad_fn of a view whose version moved on as an ``AsStridedBackward0`` over
the base's current history, whatever the grad mode of the change.  Fixed in glasstorch: after a
change under no_grad (arithmetic ``mul_`` / ``add_``, ``zero_`` / ``fill_``, ``copy_``,
``__setitem__``), the views kept their old node (``SliceBackward0``, ``ViewBackward0``...); and a
recorded ``zero_`` / ``fill_`` / ``copy_`` of a base left its other views' nodes stale.
Compared: the node names along the graph, and the gradients reaching the leaf.
"""
import pytest

import glasstorch
import torch

from ._helpers import graph_names

CHANGES = {
    "mul_": lambda m, t: t.mul_(2),
    "add_": lambda m, t: t.add_(1.5),
    "add_tensor": lambda m, t: t.add_(m.ones(t.shape)),
    "zero_": lambda m, t: t.zero_(),
    "fill_": lambda m, t: t.fill_(3.0),
    "copy_": lambda m, t: t.copy_(m.full(t.shape, 2.0)),
    "setitem": lambda m, t: t.__setitem__(0, 5.0),
    "clamp_": lambda m, t: t.clamp_(min=0.2),
}
VIEWS = {
    "slice": lambda t: t[:2],
    "view": lambda t: t.view(2, 3),
    "t": lambda t: t.view(2, 3).t(),
    "select": lambda t: t[1],
}


def _run(m, change, view, target, no_grad, leaf):
    g = m.Generator().manual_seed(0)
    x = m.randn(6, generator=g, requires_grad=True)
    base = x if leaf else x * 1.0
    v = VIEWS[view](base)
    w = base[3:]                       # a second view, changed or watched
    who = {"base": base, "view": v, "other": w}[target]
    if no_grad or leaf:
        with m.no_grad():
            CHANGES[change](m, who)
    else:
        CHANGES[change](m, who)
    names = (graph_names(v), graph_names(w), graph_names(base) if not leaf else None)
    (v.sum() * 2 + w.sum()).backward()
    return names, x.grad.tolist(), v._version


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("target", ["base", "view", "other"])
@pytest.mark.parametrize("mode", ["no_grad", "grad", "leaf"])
def test_views_after_inplace(change, view, target, mode):
    args = (change, view, target, mode == "no_grad", mode == "leaf")
    try:
        want = _run(torch, *args)
    except (RuntimeError, IndexError) as e:
        with pytest.raises(type(e)) as got:
            _run(glasstorch, *args)
        assert str(got.value) == str(e)
        return
    assert _run(glasstorch, *args) == want


LAYOUTS = {"t": lambda b: b.view(2, 3).t(), "view32t": lambda b: b.view(3, 2).t(),
           "permute": lambda b: b.view(1, 2, 3).permute(2, 0, 1), "flip_t": lambda b: b.view(2, 3).t()[::-1]}
INDEXES = {"int": 0, "slice": slice(1, None), "ellipsis_int": (Ellipsis, 0), "neg": -1}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("index", list(INDEXES))
@pytest.mark.parametrize("value", ["number", "tensor"])
def test_setitem_through_reordered_view_gradients(layout, index, value):
    """Writing into a transposed / permuted view of a non-leaf: the written elements get no gradient
    from the old values.  glasstorch zeroed a temporary copy (reshape(-1) of a non-C-ordered array),
    so every element kept its gradient."""
    def run(m):
        x = m.arange(6.0, requires_grad=True)
        val = m.tensor(7.0, requires_grad=True)
        base = x * 1.0
        v = LAYOUTS[layout](base)
        v[INDEXES[index]] = 5.0 if value == "number" else val * 2
        (base * m.arange(1.0, 7.0)).sum().backward()
        return x.grad.tolist(), None if val.grad is None else val.grad.tolist(), graph_names(base)
    if layout == "flip_t":                   # torch has no negative steps: both refuse alike
        with pytest.raises(ValueError) as want:
            run(torch)
        with pytest.raises(ValueError) as got:
            run(glasstorch)
        assert str(got.value) == str(want.value)
        return
    assert run(glasstorch) == run(torch)
