"""A "debugging PyTorch" course, lesson 1: the error gallery.

Each cell triggers one of the errors learners hit in their first week, catches it and prints the
exception type and message, then shows the fix -- the way a lecture notebook walks through them.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)


def show(title, fn):
    print(f"--- {title}")
    try:
        out = fn()
    except Exception as e:
        print(type(e).__name__, e)
    else:
        print("ok:", out)


# 1. shape mismatches -------------------------------------------------------
x = torch.randn(4, 10)
lin = nn.Linear(12, 3)
show("Linear with the wrong in_features", lambda: lin(x))
show("matmul (4x10) @ (4x10)", lambda: x @ x)
show("torch.mm with 1-D", lambda: torch.mm(x, torch.randn(10)))
show("bmm batch mismatch", lambda: torch.bmm(torch.randn(2, 3, 4), torch.randn(3, 4, 5)))
show("cat along dim 0 with different widths", lambda: torch.cat([x, torch.randn(2, 9)]))
show("stack of different shapes", lambda: torch.stack([x, torch.randn(4, 11)]))
show("view to an impossible shape", lambda: x.view(3, -1))
show("reshape with two -1", lambda: x.reshape(-1, -1))
show("broadcast add", lambda: x + torch.randn(5))
show("fix: Linear(10, 3)", lambda: nn.Linear(10, 3)(x).shape)

# 2. CrossEntropyLoss targets ----------------------------------------------
logits = torch.randn(4, 3, requires_grad=True)
crit = nn.CrossEntropyLoss()
show("float class-index targets", lambda: crit(logits, torch.tensor([0.0, 2.0, 1.0, 1.0])))
show("int32 targets", lambda: crit(logits, torch.tensor([0, 2, 1, 1], dtype=torch.int32)))
show("one-hot long targets", lambda: crit(logits, F.one_hot(torch.tensor([0, 2, 1, 1]), 3)))
show("target batch mismatch", lambda: crit(logits, torch.tensor([0, 2, 1])))
show("target out of range", lambda: crit(logits, torch.tensor([0, 3, 1, 1])))
show("2-D targets for NLLLoss", lambda: F.nll_loss(logits, torch.tensor([[0], [2], [1], [1]])))
show("probabilities as targets (fine)", lambda: f"{crit(logits, torch.softmax(torch.randn(4, 3), 1)).item():.4f}")
show("fix: long targets", lambda: f"{crit(logits, torch.tensor([0, 2, 1, 1])).item():.4f}")
show("BCE with long target", lambda: F.binary_cross_entropy_with_logits(torch.randn(4), torch.tensor([0, 1, 1, 0])))
show("MSE size mismatch (warns, broadcasts)", lambda: F.mse_loss(torch.ones(4, 1), torch.zeros(4)).item())

# 3. autograd pitfalls ------------------------------------------------------
w = torch.randn(3, requires_grad=True)


def inplace_leaf():
    w.add_(1)


show("in-place op on a leaf that requires grad", inplace_leaf)


def fill_leaf():
    w[0] = 0.0


show("index assignment on a leaf", fill_leaf)


def backward_twice():
    y = (w.exp() * 2).sum()
    y.backward()
    y.backward()


show("backward twice", backward_twice)


def backward_twice_retain():
    w.grad = None
    y = (w.sin() ** 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    return w.grad


show("backward twice with retain_graph", backward_twice_retain)
show(".numpy() on a tensor that requires grad", lambda: w.numpy())
show("fix: .detach().numpy()", lambda: w.detach().numpy().dtype)
show("backward on a non-scalar", lambda: (w * 2).backward())
show("grad of a tensor without grad_fn", lambda: torch.ones(3).sum().backward())
show("item of a multi-element tensor", lambda: w.item())


def inplace_saved():
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()
    b.mul_(2)
    b.sum().backward()


show("in-place on a tensor saved for backward", inplace_saved)


def grad_nonleaf():
    a = torch.randn(3, requires_grad=True)
    b = a * 2
    b.sum().backward()
    return b.grad


show("grad of a non-leaf is None", grad_nonleaf)


def requires_grad_nonleaf():
    a = torch.randn(3, requires_grad=True)
    (a * 2).requires_grad_(False)


show("requires_grad_(False) on a non-leaf", requires_grad_nonleaf)
show("requires_grad on an int tensor", lambda: torch.arange(3).requires_grad_())

# 4. views and memory layout -----------------------------------------------
m = torch.arange(12.0).reshape(3, 4)
mt = m.t()
print("contiguous?", m.is_contiguous(), mt.is_contiguous(), mt.stride())
show("view on a transposed tensor", lambda: mt.view(12))
show("fix: reshape", lambda: mt.reshape(12))
show("fix: contiguous().view", lambda: mt.contiguous().view(2, 6))
show("expand then in-place", lambda: torch.zeros(1, 3).expand(2, 3).add_(1))

# 5. indexing and dtypes ----------------------------------------------------
v = torch.arange(5)
show("index out of range", lambda: v[5])
show("index_select out of range", lambda: torch.index_select(v, 0, torch.tensor([1, 7])))
show("gather with int32 index", lambda: torch.gather(m, 1, torch.tensor([[0], [1], [2]], dtype=torch.int32)))
show("embedding index out of range", lambda: nn.Embedding(4, 2)(torch.tensor([1, 4])))
show("float index", lambda: v[torch.tensor([0.0, 1.0])])
show("mixed dtypes in matmul", lambda: torch.randn(2, 3) @ torch.randn(3, 2, dtype=torch.float64))
show("Linear on a double input", lambda: nn.Linear(3, 2)(torch.randn(2, 3, dtype=torch.float64)))
show("Linear on an int input", lambda: nn.Linear(3, 2)(torch.ones(2, 3, dtype=torch.long)))
show("int + float promotes", lambda: (torch.tensor([1, 2]) + 0.5).dtype)
show("in-place int += float", lambda: torch.tensor([1, 2]).add_(0.5))
show("from numpy float64", lambda: torch.from_numpy(np.zeros(2)).dtype)
show("dim out of range", lambda: m.sum(dim=2))
show("softmax without dim (int tensor)", lambda: torch.softmax(v, 0))
show("conv2d on 2-D input", lambda: nn.Conv2d(1, 2, 3)(torch.randn(5, 5)).shape)
show("conv2d channel mismatch", lambda: nn.Conv2d(3, 2, 3)(torch.randn(1, 1, 5, 5)))
show("kernel larger than input", lambda: F.conv1d(torch.randn(1, 1, 2), torch.randn(1, 1, 3)))
show("max_pool too small", lambda: F.max_pool2d(torch.randn(1, 1, 1, 1), 2))
show("matmul of bool masks", lambda: torch.ones(2, 3, dtype=torch.bool) @ torch.ones(3, 2, dtype=torch.bool))
show("linear with a 1-D weight", lambda: F.linear(torch.randn(4, 3), torch.randn(3), torch.zeros(2)))
show("linear with a 3-D weight", lambda: F.linear(torch.randn(4, 3), torch.randn(1, 2, 3)))
show("attention mask of ints", lambda: F.scaled_dot_product_attention(*torch.randn(3, 1, 2, 4, 8),
                                                                       attn_mask=torch.ones(4, 4, dtype=torch.long)))
show("attention with mixed dtypes", lambda: F.scaled_dot_product_attention(torch.randn(1, 4, 8), torch.randn(1, 4, 8),
                                                                           torch.randn(1, 4, 8).double()))
show("huber with delta=0", lambda: F.huber_loss(torch.randn(3), torch.randn(3), delta=0.0))
show("anomaly flag as int", lambda: torch.autograd.set_detect_anomaly(1))
