"""The backward engine: one iterative walk over the graph, in torch's order.

1. Collect, with an explicit stack, every node reachable from the roots (no recursion, so a chain
   of 100,000 ops works), and count the edges into each ``AccumulateGrad``.
2. Run the nodes latest-created first.  torch's engine runs ready nodes by sequence number, and a
   node is always created after the nodes its inputs came from, so "latest created first" is
   exactly its order, and every node's gradient is complete when its turn comes: no readiness
   bookkeeping is needed.  ``AccumulateGrad`` is the exception: torch runs it as soon as it is
   ready (it has the largest sequence number), so a leaf's gradient is written the moment its last
   contribution arrives; these are the only nodes counted.
3. Each gradient a node sends is un-broadcast to the shape of the tensor it belongs to, cast to
   its dtype, and added to what that tensor already received.  This is the one place where
   broadcasting is undone: op formulas never do it.

When no hook can watch the walk (the common ``loss.backward()``), ``engine_fast.py`` does the same
walk without step 1's discovery and counts: a heap on the creation number gives the same order.
"""
from operator import attrgetter
from sys import getrefcount

import numpy as np

from .graph import ANOMALY, MODE, WATCHERS, AccumulateGrad
from ._sum_to import sum_to  # noqa: F401  (ops import it from here)
from .grad_mode import GRAD
from . import engine_fast
from ._graph_task import begin as _begin_task, end as _end_task, needed as _needed
from ._double_guard import guard as _guard

_T = None   # glasstorch._tensor, filled in when it is imported (it imports this module)
_SPARSE = [None, None]  # [SparseGrad, SparseTensor], filled in by glasstorch.sparse._grad
_sparse_grad = None     # that module


def _fit(node, nr, g):
    """Make ``g`` match the shape and dtype of output ``nr`` of ``node``."""
    if node._nout == 1:
        shape, dtype = node._shape, node._dtype
    else:
        shape, dtype = node._shape[nr], node._dtype[nr]
    if g.shape != shape:
        g = sum_to(g, shape)
    if MODE.create:
        if g._data.dtype != dtype:
            if g._data.dtype.kind == "c" and dtype.kind != "c":
                g = g.real        # a real input of a complex op gets the real part, as torch
            g = g.to(_T._dt.FROM_NP[dtype])
    elif g.dtype != dtype:
        g = np.asarray(g.real if g.dtype.kind == "c" and dtype.kind != "c" else g, dtype=dtype)
    return g


def _add(pending, node, nr, g):
    if node._nout == 1:
        prev = pending.get(node)
        pending[node] = g if prev is None else prev + g
    else:
        lst = pending.get(node)
        if lst is None:
            lst = pending[node] = [None] * node._nout
        lst[nr] = g if lst[nr] is None else lst[nr] + g


_SEQ = attrgetter("_seq")


def _discover(roots, floor=-1):
    """(nodes, acc_deps): the reachable nodes other than accumulators, latest created first, and
    for each reachable ``AccumulateGrad`` the number of edges leading into it.  Nodes created before
    ``floor`` (a sequence number) are left out: edges only lead to earlier nodes, so from those no
    node at or after ``floor`` can be reached (torch's min_topo_nr pruning for autograd.grad)."""
    seen = set(roots)
    stack = list(seen)
    nodes = []
    acc_deps = {}
    add = seen.add
    while stack:
        n = stack.pop()
        if n.__class__ is AccumulateGrad:
            acc_deps.setdefault(n, 0)          # a root: nothing else may lead into it
            continue
        nodes.append(n)
        for nxt, _ in n.next_functions:
            if nxt is not None:
                if nxt.__class__ is AccumulateGrad:
                    acc_deps[nxt] = acc_deps.get(nxt, 0) + 1
                elif nxt not in seen and nxt._seq >= floor:
                    add(nxt)
                    stack.append(nxt)
    if len(nodes) > 1:
        nodes.sort(key=_SEQ, reverse=True)
    return nodes, acc_deps


_ONES = {}


def _fast_ok():
    """Whether engine_fast may run: no hook registered, anomaly mode never used."""
    return not (WATCHERS[0] or ANOMALY.used or ANOMALY.enabled)


def backward_scalar(t, retain_graph):
    """``loss.backward()`` on a scalar: the common case, without the general argument handling."""
    fn = t.grad_fn
    if fn is None:
        return False
    d = t._data
    key = (d.dtype, d.shape)
    one = _ONES.get(key)
    if one is None:
        if d.size != 1 or d.dtype.kind != "f":
            return False
        one = np.ones(d.shape, d.dtype)
        if one.ndim == 0:
            one = one[()]                  # a NumPy scalar: cheaper arithmetic in the formulas
        else:
            one.flags.writeable = False    # shared seed: the engine never writes into gradients
        _ONES[key] = one
    prev = GRAD.enabled
    GRAD.enabled = False
    try:
        if not _fast_ok():
            _run([(fn, t._out_nr)], [one], bool(retain_graph), False, None, True)
        else:
            nr = t._out_nr
            if fn._nout != 1 or one.shape != fn._shape or one.dtype != fn._dtype:
                one = _fit(fn, nr, one)
            engine_fast.run(fn, nr, one, bool(retain_graph))
    finally:
        GRAD.enabled = prev
    return True


def execute(roots, seeds, retain_graph, create_graph, capture=None, accumulate=True):
    """Run backward from ``roots`` [(node, nr)] with gradients ``seeds``.

    ``capture`` maps (node, nr) to a slot: the gradient arriving there is returned instead of
    (``accumulate=False``) or besides being accumulated.  Returns the captured gradients.
    """
    prev_mode = (MODE.create, MODE.m, MODE.capture, GRAD.enabled)
    MODE.create = create_graph
    MODE.m = _T.ops_namespace if create_graph else np
    MODE.capture = capture is not None
    GRAD.enabled = create_graph
    try:
        if capture is None and not create_graph and len(roots) == 1 and _fast_ok() and \
                roots[0][0].__class__ is not AccumulateGrad:      # a leaf root: the general walk writes it
            (node, nr), = roots
            return engine_fast.run(node, nr, _fit(node, nr, seeds[0]), retain_graph)
        return _run(roots, seeds, retain_graph, create_graph, capture, accumulate)
    finally:
        MODE.create, MODE.m, MODE.capture, GRAD.enabled = prev_mode


def _run(roots, seeds, retain, create, capture, accumulate):
    if len(roots) == 1:
        node, nr = roots[0]
        g = seeds[0]
        if node._nout == 1 and g.shape == node._shape and g.dtype == node._dtype:
            pending = {node: g}
        else:
            pending = {}
            _add(pending, node, nr, _fit(node, nr, g))
        root_nodes = [node]
    else:
        root_nodes = []
        pending = {}
        for (node, nr), g in zip(roots, seeds):
            _add(pending, node, nr, _fit(node, nr, g))
            root_nodes.append(node)
    floor = -1
    if capture is not None and not accumulate and capture and \
            not any(n.__class__ is AccumulateGrad for n, _ in capture):
        # autograd.grad with respect to non-leaf tensors: nothing created before the earliest of them
        # can lead to one (a rollout's gradient need not walk the whole history behind its state)
        floor = min(n._seq for n, _ in capture)
    order, acc_deps = _discover(root_nodes, floor)
    captured = None
    need = None
    if capture is not None:
        captured = [None] * (max(capture.values()) + 1 if capture else 0)
        if not accumulate:
            need = _needed(order + list(acc_deps), {n for n, _ in capture}, floor)
    task = _begin_task(order, acc_deps, need)
    try:
        _walk(order, acc_deps, pending, retain, create, capture, captured, need, accumulate)
    finally:
        _end_task(task)
    return captured


def _walk(order, acc_deps, pending, retain, create, capture, captured, need, accumulate):
    """Run the discovered nodes, latest created first, each once all its gradients have arrived."""
    pop = pending.pop
    ready = sorted((a for a, c in acc_deps.items() if c == 0), key=_SEQ, reverse=True)
    for acc in ready:                          # accumulators that are roots themselves
        _visit_acc(acc, pop(acc, None), create, capture, captured, need, accumulate)
    for node in order:
        g = pop(node, None)
        single = node._nout == 1
        outs = None
        arrived = False
        if g is not None:
            arrived = True      # (a gradient the capture stopped is not an undefined one)
            if capture is not None:
                g = _capture_around_hooks(node, g, create, capture, captured, need)
            elif node._tensor_hooks is not None or node._retained is not None:
                g = _tensor_hooks(node, g)
        if g is not None:
            if node._pre_hooks or node._hooks or node._anomaly is not None or ANOMALY.enabled:
                outs = call_node(node, g, hooks=True)      # hooks see undefined gradients as None
            else:
                outs = node.backward(g if single else _fill(node, g))
            if create:      # a gradient that lost its graph must fail when differentiated (_double_guard.py)
                outs = _guard(node, g, outs)
            if not retain and node._saved:
                node._saved = None       # free what backward kept: a second backward then fails as torch's
        elif not arrived and (capture is None or need is not None and need.get(node, False)) and \
                _undefined.watched(node):
            outs = _undefined.run(node)       # torch runs it on undefined gradients (_undefined_grads.py)
        done = None
        i = 0
        for nxt, nr in node.next_functions:
            if nxt is not None:
                if outs is not None:
                    gi = outs[i]
                    if gi is not None:
                        if nxt._nout == 1:
                            if gi.shape != nxt._shape or gi.dtype != nxt._dtype:
                                gi = _fit(nxt, nr, gi)
                            prev = pending.get(nxt)
                            pending[nxt] = gi if prev is None else prev + gi
                        else:
                            _add(pending, nxt, nr, _fit(nxt, nr, gi))
                if nxt.__class__ is AccumulateGrad:
                    left = acc_deps[nxt] - 1
                    acc_deps[nxt] = left
                    if left == 0:
                        done = [nxt] if done is None else done + [nxt]
            i += 1
        if done is not None:
            if len(done) > 1:
                done.sort(key=_SEQ, reverse=True)
            for acc in done:
                _visit_acc(acc, pop(acc, None), create, capture, captured, need, accumulate)


def _capture(node, g, create, capture, captured, need):
    """autograd.grad: hand out the gradients asked for; with ``need``, stop where no target lies."""
    single = node._nout == 1
    hit = False
    for nr in range(node._nout):
        slot = capture.get((node, nr))
        if slot is not None:
            hit = True
            gi = g if single else g[nr]
            if create or gi is None:
                captured[slot] = gi
            else:       # a sparse gradient is handed out sparse, as torch's (only AccumulateGrad densifies)
                captured[slot] = gi.tensor() if gi.__class__ is _SPARSE[0] else _T._wrap(np.array(gi))
    # a target that leads to no other one: torch takes its gradient there and does not run it
    if need is not None and (not need.get(node, False) or hit and not any(
            nx is not None and need.get(nx, False) for nx, _ in node.next_functions)):
        return None
    return g


def _visit_acc(node, g, create, capture, captured, need, accumulate):
    """Run one ``AccumulateGrad``: tensor hooks, then the hooks around writing ``.grad``."""
    if g is None:
        if capture is None and accumulate and _undefined.watched_accumulate(node):
            _undefined.run_accumulate(node)
        return
    if node._tensor_hooks is not None or node._retained is not None:
        g = _tensor_hooks(node, g)
    if capture is not None:
        g = _capture(node, g, create, capture, captured, need)
    if g is not None and accumulate:
        if node._pre_hooks:
            g = _node_pre_hooks(node, g)
        if g is not None:           # a pre-hook that returned (None,) leaves .grad alone
            _accumulate(node, g, create)
        if node._hooks:
            _node_hooks(node, g, ())


def _fill(node, gs):
    """Undefined gradients of a multi-output node become zeros (torch materialises them too), except
    for a custom Function whose forward called ``ctx.set_materialize_grads(False)``: it gets None."""
    if getattr(node, "materialize_grads", True) is False:
        return gs
    out = []
    for i, g in enumerate(gs):
        if g is None:
            z = np.zeros(node._shape[i], node._dtype[i])
            g = _T._wrap(z) if MODE.create else z
        out.append(g)
    return out


def call_node(node, g, hooks=False):
    """Run one node's backward with its pre-hooks and hooks (torch's Node.__call__)."""
    if hooks and node._pre_hooks:
        g = _node_pre_hooks(node, g)
        if g is None or node._nout != 1 and all(x is None for x in g):
            return _undefined.run(node, pre_hooks_done=True)     # a pre-hook dropped every gradient
    # a dropped gradient of a multi-output node: zeros for backward (as for any undefined output
    # gradient), still None for the post hooks
    g_in = _fill(node, g) if node._nout != 1 and any(x is None for x in g) else g
    if node._anomaly is not None or ANOMALY.enabled:
        from .anomaly_mode import run_checked
        outs = run_checked(node, g_in)
    else:
        outs = node.backward(g_in)
    if hooks and node._hooks:
        # hooks see gradients as the inputs receive them: fitted to their shapes, None for constants
        outs = [None if nx is None or o is None else _fit(nx, nr, o)
                for (nx, nr), o in zip(node.next_functions, outs)]
        outs = _node_hooks(node, g, outs)
    return outs


def _as_tensor(g):
    if g is None or MODE.create:
        return g
    return _T._wrap(np.asarray(g)) if g.__class__ is not _SPARSE[0] else g.tensor()


def _as_grad(t):
    if t is None or MODE.create:
        return t
    return _sparse_grad.from_tensor(t) if t.is_sparse else t._data


from ._hook_checks import checked_hook_result, checked_node_hook_result, run_post_accumulate_hooks  # noqa: E402
from . import _undefined_grads as _undefined  # noqa: E402
from ._capture_order import capture_around_hooks as _capture_around_hooks  # noqa: E402
from ._grad_layout import copy_obeying_contract as _copy_recorded, retained_clone as _retained_clone  # noqa: E402
from ._grad_layout_policy import _FLAG as _LAYOUT_FLAG  # noqa: E402
from .._meta import _NoData, meta_grad  # noqa: E402


def _tensor_hooks(node, g):
    multi = node._nout != 1
    gs = list(g) if multi else [g]
    for nr in range(node._nout):
        if gs[nr] is None:
            continue
        cur = None
        for fn in tuple((node._tensor_hooks or {}).get(nr, {}).values()):     # a hook may remove itself
            # as in torch, every hook sees one gradient object (the last hook's result, if it returned
            # one): an attribute a hook sets on it is there for the next (captum's LRP relies on it)
            if cur is None:
                cur = _as_tensor(gs[nr])
            r = fn(cur)
            if r is not None:
                gs[nr] = _as_grad(checked_hook_result(fn, r, gs[nr]))
                cur = r
        ref = (node._retained or {}).get(nr)
        t = ref() if ref is not None else None
        if t is not None:
            new = _as_tensor(gs[nr])
            if t._grad is None:     # torch's retain_grad hook stores grad.clone(contiguous_format)
                t._grad = _retained_clone(new) if create_mode() else _T._wrap(np.array(gs[nr], order="C"))
            else:
                t._grad = t._grad + new
    return gs if multi else gs[0]


def create_mode():
    return MODE.create


def _node_pre_hooks(node, g):
    gs = tuple(_as_tensor(x) for x in (g if node._nout != 1 else [g]))
    for fn in tuple(node._pre_hooks.values()):
        r = fn(gs)
        if r is not None:
            gs = checked_node_hook_result(fn, r, gs)
    out = [_as_grad(x) for x in gs]
    return out if node._nout != 1 else out[0]


def _node_hooks(node, g, outs):
    gin = tuple(_as_tensor(x) for x in outs)
    gout = tuple(_as_tensor(x) for x in (g if node._nout != 1 else [g]))
    for fn in tuple(node._hooks.values()):
        r = fn(gin, gout)
        if r is not None:
            gin = checked_node_hook_result(fn, r, gin)
    return [_as_grad(x) for x in gin]


def _accumulate(node, g, create, steal=False):
    """AccumulateGrad: the first gradient is copied (the tensor must own it), later ones added in place.

    ``steal``: the caller passes its only reference to ``g``. Then, as torch does when the incoming
    gradient's use count shows nobody else holds it, an array no one else refers to is kept as it
    is (CPython's reference count tells, exactly: every array or view of it counts)."""
    var = node.variable
    if var._data.__class__ is _NoData:         # a meta leaf keeps a meta gradient (_meta_compute.py)
        var._grad = meta_grad(var)
    elif create:
        # the first gradient is copied into a new tensor, recorded as torch records it (CopyBackwards)
        var._grad = _copy_recorded(g, var) if var._grad is None else var._grad + g
    elif g.__class__ is _SPARSE[0] or (var._grad is not None and var._grad.__class__ is _SPARSE[1]):
        _sparse_grad.accumulate(var, g)       # a sparse gradient (nn.Embedding(sparse=True))
    elif var._grad is None and steal and g.flags.c_contiguous and g.dtype is var._data.dtype and (
            var._data.ndim < 2 or var._data.flags.c_contiguous or not _LAYOUT_FLAG.enabled):
        base = g.base
        if base is None:
            keep = g if getrefcount(g) == 2 and g.flags.writeable else None     # here and getrefcount's
        else:           # a full view of an array only it refers to (W^T's gradient transposed back)
            keep = base if (getrefcount(base) == 3 and getrefcount(g) == 2 and base.__class__ is np.ndarray and
                            base.base is None and base.dtype is g.dtype and g.size and
                            base.shape == g.shape and base.strides == g.strides and base.flags.writeable) else None
        var._grad = _T._wrap(keep if keep is not None else np.array(g))
    elif var._grad is None:
        # a copy the tensor owns, laid out like the tensor (torch's "layout contract": a weight's
        # gradient arriving transposed from x^T @ g is stored row-major like the weight; below 2-d
        # every order is the same)
        d = var._data
        if d.ndim < 2 or d.flags.c_contiguous:
            var._grad = _T._wrap(np.array(g, order="C"))
        else:       # a dense tensor's strides, else contiguous (torch's clone_obey_contract)
            from ..ops._layout import _alloc, contig, elem_strides, non_overlapping_dense
            if non_overlapping_dense(d) and g.dtype == d.dtype:
                out = _alloc(d.shape, g.dtype, elem_strides(d))
                out[...] = g
            else:
                out = contig(np.array(g))
            var._grad = _T._wrap(out)
    else:
        gd = var._grad._data
        if gd.shape == g.shape and gd.flags.writeable:
            if gd.ndim:
                np.add(gd, g, out=gd)
            else:
                gd[()] = gd[()] + g                # scalar arithmetic: cheaper than a 0-d ufunc call
            var._grad._vc[0] += 1
        else:
            var._grad = _T._wrap(gd + g)
    if node._post_acc is not None:
        run_post_accumulate_hooks(node._post_acc, var)
