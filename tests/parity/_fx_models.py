"""Shared pieces of the torch.fx parity tests (test_fx.py, test_fx_passes.py): models built alike from
torch or glasstorch, and comparisons of what both print."""
import numpy as np
import torch

import glasstorch

from ._helpers import MODS


def _both(fn):
    return {m: fn(m) for m in MODS}


def _same(fn):
    out = _both(fn)
    assert out[torch] == out[glasstorch], f"torch:\n{out[torch]}\n\nglasstorch:\n{out[glasstorch]}"
    return out


def _nodes(gm_or_graph):
    g = getattr(gm_or_graph, "graph", gm_or_graph)
    return [(n.op, n.name, n.format_node(), repr(n.args), repr(n.kwargs), [u.name for u in n.users],
             [i.name for i in n.all_input_nodes]) for n in g.nodes]


# ---- models, built alike from either library ------------------------------------------------------
def _big(t):
    nn, F = t.nn, t.nn.functional

    class Sub(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 4)

        def forward(self, x):
            return self.lin(x).relu()

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(4, 5)
            self.param = nn.Parameter(t.ones(5))
            self.sub = Sub()
            self.seq = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
            self.register_buffer("buf", t.zeros(5))
            self.const = t.arange(5.)

        def forward(self, x, y=None):
            x = self.seq(x)
            x = self.sub(x)
            a = self.linear(x)
            b = t.relu(a) + self.param
            c = F.relu(b, inplace=False) * 2 - self.buf
            d = c.sum(dim=1, keepdim=True) / c.shape[1]
            e = t.cat([c, d], dim=-1)[:, :3]
            f = e.view(-1, 3).size(0)
            g = t.add(e, 1, alpha=2) + self.const[:3] + f
            h = -g @ t.ones(3, 3).T
            return h, (a, {"k": c})
    t.manual_seed(0)
    return M()


def _fn(t):
    F = t.nn.functional

    def f(input, z, k: int = 3):
        a = t.sin(input) + z.cos()
        b, c = a.chunk(2, dim=0)
        d = F.linear(b, c) + t.linalg.norm(c) + F.logsigmoid(b).sum() + 2 ** b
        e = t.einsum("ij,jk->ik", b, c.t())
        return F.softmax(d + e, dim=-1) * k, abs(e), e[0].unsqueeze(0).to(t.float64), t.ones(2) + input
    return f


def _convnet(t, eval_mode=True):
    nn, F = t.nn, t.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.bn = nn.BatchNorm2d(2)
            self.conv2 = nn.Conv2d(2, 2, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(2)
            self.fc = nn.Linear(8, 3)

        def forward(self, x):
            x = F.relu(self.bn(self.conv(x)))
            x = t.relu(self.bn2(self.conv2(x)))
            return self.fc(x.flatten(1))
    t.manual_seed(0)
    net = Net()
    with t.no_grad():                      # running statistics that are not 0 and 1
        for bn in (net.bn, net.bn2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 1.5)
    return net.eval() if eval_mode else net


def _x(t, *shape, seed=1):
    return t.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def _leaf_tracer(t):
    class LeafNothing(t.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return not isinstance(m, (t.nn.Conv2d, t.nn.Linear))
    return LeafNothing


_LeafNothing = {m: _leaf_tracer(m) for m in MODS}
