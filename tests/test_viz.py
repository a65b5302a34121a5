"""The picture (DOT and text tree), the trace and the source reader, on both libraries.

torch is the oracle twice over: the picture of a torch graph must name exactly torch's nodes and
edges (read here straight from ``grad_fn.next_functions``) and show torch's numbers, and the
picture of the same glasstorch graph must be the very same text."""
import html
import re
import shutil

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.viz import draw_graph, show_source, trace_backward
from glasstorch.viz._common import fmt


def seed(t):
    var_1 = t.tensor(3.0, requires_grad=True)
    var_2 = t.tensor(4.0, requires_grad=True)
    my_latent_value = var_1 * var_2
    loss = 15 - my_latent_value
    return loss, {"var_1": var_1, "var_2": var_2, "my_latent_value": my_latent_value, "loss": loss}


def mlp(t):
    t.manual_seed(0)
    x = t.tensor([[1., 2.], [3., -1.], [0.5, 0.25]])
    w1 = t.randn(4, 2, requires_grad=True)
    b1 = t.zeros(4, requires_grad=True)
    w2 = t.randn(1, 4, requires_grad=True)
    h = (x @ w1.t() + b1).relu()
    out = (h @ w2.t()).pow(2).mean()
    return out, {"w1": w1, "b1": b1, "w2": w2, "h": h, "out": out}


def reused(t):
    a = t.tensor([1., 2.], requires_grad=True)
    b = a * 2
    c = b * b + b           # b feeds three edges
    d = c.sum()
    return d, {"a": a, "b": b, "c": c, "d": d}


GRAPHS = [seed, mlp, reused]


def _torch_structure(root):
    """(names in preorder, edges) read directly from torch's graph."""
    order, index, stack = [], {}, [root.grad_fn]
    while stack:
        n = stack.pop()
        if n in index:
            continue
        index[n] = len(order)
        order.append(n)
        stack.extend(nx for nx, _ in reversed(n.next_functions) if nx is not None and nx not in index)
    edges = {(index[nx], index[n]) for n in order for nx, _ in n.next_functions if nx is not None}
    return [type(n).__name__ for n in order], edges


def _draw_both(build, backward=False, trace=False):
    out = {}
    for t in (torch, glasstorch):
        root, names = build(t)
        tr = None
        if trace:
            with trace_backward(root, params=names) as tr:
                root.backward()
        elif backward:
            root.backward()
        out[t] = (root, names, draw_graph(root, params=names, trace=tr), tr)
    return out


@pytest.mark.parametrize("build", GRAPHS)
def test_dot_names_and_edges_are_torchs(build):
    pics = _draw_both(build)
    root, _, pic, _ = pics[torch]
    names, edges = _torch_structure(root)
    dot = pic.dot
    for i, name in enumerate(names):
        line = re.search(rf"^  n{i} \[label=\"(.*?)\"", dot, re.M).group(1)
        assert (name in line) if name != "AccumulateGrad" else "rounded" in dot.split(f"n{i} [", 1)[1].split("\n")[0]
    got = {(int(a), int(b)) for a, b in re.findall(r"^  n(\d+) -> n(\d+)", dot, re.M)}
    assert got == edges
    assert pics[glasstorch][2].dot == dot
    assert pics[glasstorch][2].text_tree() == pic.text_tree()


@pytest.mark.parametrize("build", GRAPHS)
def test_numbers_after_backward_are_torchs(build):
    pics = _draw_both(build, backward=True)
    root, names, pic, _ = pics[torch]
    text = pic.text_tree()
    for name, t in names.items():
        if t.grad_fn is None:
            assert f"{name} (leaf)" in text
            assert f"grad {fmt(t.grad.numpy())}" in text
            assert f"data {fmt(t.detach().numpy())}" in text
    assert f"value {fmt(root.detach().numpy())}" in text
    assert pics[glasstorch][2].dot == pic.dot


def test_seed_picture_exact():
    pics = _draw_both(seed, backward=True)
    assert pics[torch][2].text_tree() == (
        "[0] loss = RsubBackward1  ()  value 3\n"
        "└─ [1] my_latent_value = MulBackward0  ()  value 12\n"
        "   ├─ [2] var_1 (leaf)  ()  data 3  grad -4\n"
        "   └─ [3] var_2 (leaf)  ()  data 4  grad -3")
    assert pics[glasstorch][2].text_tree() == pics[torch][2].text_tree()


def _torch_run_order(build):
    """Which nodes torch runs, in order, with the gradient each receives (torch's own hooks)."""
    root, _ = build(torch)
    names, _ = _torch_structure(root)
    order, index, stack = [], {}, [root.grad_fn]
    while stack:
        n = stack.pop()
        if n in index:
            continue
        index[n] = len(order)
        order.append(n)
        stack.extend(nx for nx, _ in reversed(n.next_functions) if nx is not None and nx not in index)
    log = []
    for n in order:
        n.register_prehook(lambda go, i=index[n]: log.append((i, go[0].detach().numpy().copy())))
    root.backward()
    return log


@pytest.mark.parametrize("build", GRAPHS)
def test_trace_follows_torchs_engine(build):
    pics = _draw_both(build, trace=True)
    expected = _torch_run_order(build)
    for t in (torch, glasstorch):
        steps = pics[t][3].steps
        assert [s.id for s in steps] == [i for i, _ in expected]
        for s, (_, g) in zip(steps, expected):
            np.testing.assert_allclose(s.grad_in, g, rtol=1e-6, atol=1e-7)
    assert str(pics[glasstorch][3]) == str(pics[torch][3])
    assert pics[glasstorch][2].dot == pics[torch][2].dot


def test_trace_table_seed():
    pics = _draw_both(seed, trace=True)
    text = str(pics[torch][3])
    assert "[0] loss = RsubBackward1" in text and "z = a * b   ->   da = g * b,   db = g * a" in text
    assert "-4 -> [2] var_1" in text and "-3 -> [3] var_2" in text
    assert text == str(pics[glasstorch][3])


def test_trace_removes_its_hooks():
    a = glasstorch.tensor([1., 2.], requires_grad=True)
    y = (a * 2).sum()
    with trace_backward(y):
        pass
    assert not y.grad_fn._pre_hooks and not y.grad_fn._hooks


def test_show_source():
    src = show_source(glasstorch.tensor([1.], requires_grad=True) * 2)
    assert "def mul(" in src.text and "class MulBackward0(Node):" in src.text
    assert src.text.index("def mul(") < src.text.index("class MulBackward0")
    t_src = show_source((torch.tensor([1.], requires_grad=True) * 2).grad_fn)
    assert t_src.text == src.text
    assert show_source(torch.mul).text == show_source(glasstorch.mul).text
    assert "F.linear" in show_source(torch.nn.Linear).text
    assert "def linear(" in show_source(glasstorch.nn.Linear(2, 3)).text
    assert "class MulBackward0" in show_source("MulBackward0").text


def test_svg_render_contains_every_label(tmp_path):
    assert shutil.which("dot"), "Graphviz's dot is missing: `make test` installs it (apt-get install graphviz)"
    for build in GRAPHS:
        root, names = build(glasstorch)
        root.backward()
        pic = draw_graph(root, params=names)
        svg = html.unescape(pic.svg())            # Graphviz writes "-" as &#45;
        for b in pic.boxes:
            for line in b.lines():
                assert f">{line}</text>" in svg
        path = pic.render(str(tmp_path / "g.svg"))
        assert open(path).read().lstrip().startswith("<?xml")
