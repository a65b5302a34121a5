"""A hand-written NumPy training step of bench_nn.py's MLPs: the floor for glasstorch's step.

Forward (x W^T + b, relu), softmax cross-entropy, backward and the SGD update written straight in
NumPy on float32 arrays, with no graph, no checks and no Python objects per op: what the same
arithmetic costs when nothing else is done. bench_nn.py prints it beside torch and glasstorch.
"""
import numpy as np


def numpy_mlp_step(sizes, batch, lr=0.01):
    rng = np.random.default_rng(0)
    ws = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(o, np.float32) for o in sizes[1:]]
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    rows = np.arange(batch)

    def step():
        acts, pre = [x], []
        for k, (w, b) in enumerate(zip(ws, bs)):
            z = acts[-1] @ w.T
            z += b
            pre.append(z)
            acts.append(np.maximum(z, 0) if k < len(ws) - 1 else z)
        z = acts[-1]
        e = np.exp(z - z.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        loss = -np.log(p[rows, y]).mean()
        g = p
        g[rows, y] -= 1
        g /= batch
        for k in range(len(ws) - 1, -1, -1):
            gw, gb = g.T @ acts[k], g.sum(0)
            if k:
                g = g @ ws[k]
                g *= pre[k - 1] > 0
            ws[k] -= lr * gw
            bs[k] -= lr * gb
        return loss
    return step
