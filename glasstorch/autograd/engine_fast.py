"""The engine's fast path: backward from one root when nothing can watch the walk.

With no hooks registered (graph.WATCHERS is 0), anomaly mode never used, no graph of the
backward being recorded and no ``autograd.grad`` targets, all that backward leaves behind is the
leaves' ``.grad`` and the freed saved values.  Then the walk needs no discovery pass and no
dependency counts:

- A max-heap on the creation number runs each node after every node that feeds it a gradient:
  a consumer is always created after its inputs, and while a consumer has not run, some node on
  the path from the root to it waits in the heap with a larger number.  So a node's gradient is
  complete when it is popped, in the same order as engine.py's walk, and sums in the same order.
- The leaves' gradients are written once the walk is over.  torch writes each one as soon as its
  last contribution arrives; without hooks only a failing node can tell the difference, so when
  a backward raises, the leaves torch would already have written are written before the error
  goes on (``_flush_ready``).
"""
from heapq import heappop, heappush

from .graph import AccumulateGrad
from . import engine as _E      # imports this module; its helpers are read at call time
from . import _undefined_grads as _undefined


def run(node, nr, g, retain):
    """Backward from output ``nr`` of ``node`` with gradient ``g`` (already fitted to it)."""
    _fit = _E._fit
    if node._nout == 1:
        pending = {node: g}
    else:
        pending = {}
        _E._add(pending, node, nr, g)
    root = node
    heap = []
    accs = []
    pop = pending.pop
    get = pending.get
    undef = set()       # nodes reached so far by undefined (None) gradients only
    try:
        while True:
            g = pop(node, None)
            if g is None:       # no gradient came: torch runs it anyway (a custom Function on zeros)
                outs = _undefined.run(node) if _undefined.watched(node) else (None,) * len(node.next_functions)
            else:
                outs = node.backward(g) if node._nout == 1 else node.backward(_E._fill(node, g))
            if not retain and node._saved:
                node._saved = None       # free what backward kept: a second backward then fails as torch's
            for (nxt, nr), gi in zip(node.next_functions, outs):
                if nxt is None:
                    continue
                if gi is None:
                    if nxt.__class__ is not AccumulateGrad and nxt not in pending and nxt not in undef:
                        undef.add(nxt)
                        heappush(heap, (-nxt._seq, nxt))
                    continue
                if nxt._nout == 1:
                    if (gi.dtype is not nxt._dtype or gi.shape != nxt._shape) and (
                            gi.shape != nxt._shape or gi.dtype != nxt._dtype):
                        gi = _fit(nxt, nr, gi)
                    prev = get(nxt)
                    if prev is None:
                        pending[nxt] = gi
                        if nxt.__class__ is AccumulateGrad:
                            accs.append(nxt)
                        elif not undef or nxt not in undef:     # (one queued by None is in the heap)
                            heappush(heap, (-nxt._seq, nxt))
                    else:
                        pending[nxt] = prev + gi
                else:
                    if nxt not in pending and (not undef or nxt not in undef):
                        heappush(heap, (-nxt._seq, nxt))
                    _E._add(pending, nxt, nr, _fit(nxt, nr, gi))
            if not heap:
                break
            node = heappop(heap)[1]
    except BaseException:
        _flush_ready(root, node, accs, pending)
        raise
    # drop the walk's last references to gradients, so that a leaf can keep its gradient's
    # array without copying it when nothing else holds it (see engine._accumulate)
    g = outs = gi = None
    acc_grad = _E._accumulate
    for acc in accs:
        acc_grad(acc, pop(acc), False, True)


def _flush_ready(root, failed, accs, pending):
    """Write the leaves whose every contributing node had its turn when ``failed`` raised."""
    nodes, _ = _E._discover([root])
    blocked = set()
    for n in nodes:
        if n._seq <= failed._seq:          # ``failed`` and everything after it in the walk
            for nxt, _ in n.next_functions:
                if nxt is not None and nxt.__class__ is AccumulateGrad:
                    blocked.add(nxt)
    for acc in accs:
        if acc not in blocked:
            _E._accumulate(acc, pending.pop(acc), False)
