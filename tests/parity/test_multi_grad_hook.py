"""torch.autograd.graph.register_multi_grad_hook and the two engine queries it is built on
(torch._C._current_graph_task_id, _will_engine_execute_node), on torch and glasstorch: which
gradients each call sees, in plain backward, backward(inputs=), autograd.grad, repeated and
removed hooks."""
import pytest
import torch

import glasstorch


def _log(m, scenario):
    calls = []
    a = m.tensor([1., 2., 3.], requires_grad=True)
    b = m.tensor([4., 5., 6.], requires_grad=True)
    c = a * b
    d = a * b
    e = (c * 2).exp()

    def all_hook(grads):
        calls.append(("all", m._C._current_graph_task_id() >= 0,
                      [None if g is None else [round(v, 4) for v in g.tolist()] for g in grads]))

    def any_hook(grad):
        calls.append(("any", [round(v, 4) for v in grad.tolist()]))
    mode = "any" if "any" in scenario else "all"
    h = m.autograd.graph.register_multi_grad_hook((a, b, c, d), any_hook if mode == "any" else all_hook,
                                                  mode=mode)
    if "plain" in scenario:
        c.sum().backward(retain_graph=True)
        c.sum().backward(retain_graph=True)           # a second backward calls it again
    if "inputs" in scenario:
        c.sum().backward(inputs=(a,), retain_graph=True)
    if "grad" in scenario:
        try:
            m.autograd.grad(e.sum(), (b,), retain_graph=True)
        except RuntimeError as err:    # mode "all" asks about leaves, which autograd.grad refuses
            calls.append(str(err))
    if "both" in scenario:
        (c.sum() + d.sum()).backward(retain_graph=True)
    if "removed" in scenario:
        h.remove()
        c.sum().backward(retain_graph=True)
    calls.append(type(h).__name__)
    return calls


@pytest.mark.parametrize("scenario", ["plain", "inputs", "grad", "both", "plain removed", "any plain",
                                      "any both", "any grad"])
def test_multi_grad_hook_sees_what_torch_sees(scenario):
    assert _log(glasstorch, scenario) == _log(torch, scenario)


def _queries(m):
    out = [m._C._current_graph_task_id()]
    a = m.ones(2, requires_grad=True)
    b = m.ones(2, requires_grad=True)
    y = a * 2
    z = b * 3
    for bad in (None, a.grad_fn, y.grad_fn):
        try:
            m._C._will_engine_execute_node(bad)
        except RuntimeError as e:
            out.append(str(e))
    seen = []

    def hook(g):
        seen.append((m._C._will_engine_execute_node(y.grad_fn), m._C._will_engine_execute_node(z.grad_fn)))
    y.register_hook(hook)
    y.sum().backward()
    return out, seen


def test_engine_queries_match_torch():
    assert _queries(glasstorch) == _queries(torch)


def test_bad_mode():
    for m in (torch, glasstorch):
        with pytest.raises(ValueError, match=r"Expects mode to be one of \('all', 'any'\) but got x"):
            m.autograd.graph.register_multi_grad_hook((m.ones(1, requires_grad=True),), print, mode="x")
