"""Hook handles: every ``register_*_hook`` (tensor, node, post-accumulate, module, optimizer) returns
a ``torch.utils.hooks.RemovableHandle``; ``remove()`` takes exactly that registration off (the same
function registered twice keeps its other registration), also from inside a running hook, and
leaving a ``with`` block removes it."""
import torch

import glasstorch



def _handles(m):
    """Every kind of handle, with what a program would print or check about it."""
    x = m.ones(2, requires_grad=True)
    y = x * 2
    lin = m.nn.Linear(2, 2)
    opt = m.optim.SGD(lin.parameters(), lr=0.1)
    hs = [x.register_hook(lambda g: g), y.register_hook(lambda g: g),
          y.grad_fn.register_hook(lambda gi, go: None), y.grad_fn.register_prehook(lambda go: None),
          x.register_post_accumulate_grad_hook(lambda p: None), lin.register_forward_hook(lambda *a: None),
          opt.register_step_post_hook(lambda *a: None)]
    cls = m.utils.hooks.RemovableHandle
    return [(type(h).__module__.replace("glasstorch", "torch"), type(h).__qualname__, isinstance(h, cls), callable(h.hooks_dict_ref))
            for h in hs]


def test_every_register_hook_returns_removable_handle():
    assert _handles(torch) == _handles(glasstorch)


def _removal(m):
    """The same hook twice on a tensor and on a node; removing one registration leaves the other."""
    seen = []

    def tensor_hook(g):
        seen.append("t")

    def node_hook(gi, go):
        seen.append("n")

    x = m.ones(3, requires_grad=True)
    y = x * 3
    h1, h2 = y.register_hook(tensor_hook), y.register_hook(tensor_hook)
    n1, n2 = y.grad_fn.register_hook(node_hook), y.grad_fn.register_hook(node_hook)
    h2.remove()
    n1.remove()
    h2.remove()                                  # a second remove does nothing
    y.sum().backward(retain_graph=True)
    first = list(seen)
    h1.remove()
    n2.remove()
    seen.clear()
    y.sum().backward(retain_graph=True)
    with x.register_hook(lambda g: g * 10):
        y.sum().backward(retain_graph=True)
    z = x.grad.clone()
    y.sum().backward()
    return first, list(seen), z.tolist(), x.grad.tolist()


def test_remove_takes_off_one_registration():
    assert _removal(torch) == _removal(glasstorch)


def _self_removing(m):
    calls = []
    x = m.ones(2, requires_grad=True)
    handle = []

    def once(g):
        calls.append(g.tolist())
        handle[0].remove()
        return g * 2
    handle.append(x.register_hook(once))
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return calls, x.grad.tolist()


def test_hook_removing_itself_while_running():
    assert _self_removing(torch) == _self_removing(glasstorch)
