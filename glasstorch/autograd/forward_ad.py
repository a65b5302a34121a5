"""``torch.autograd.forward_ad``: dual tensors, and their tangents computed from the reverse graph.

torch pushes a tangent through every op as the op runs.  glasstorch has no forward formulas; it
builds the tangent from the reverse-mode graph it records anyway:

* ``make_dual(x, v)`` returns a tensor holding ``x``'s values whose graph has one extra edge, to
  a hidden *seed* leaf (a zero tensor that requires grad).  Every op on the dual records a graph
  that leads back to the seed, exactly as for any tensor that requires grad.
* ``unpack_dual(y)`` asks that graph for ``J @ v`` (``J`` = dy/dseed) with the double-vjp trick:
  ``g(u) = J^T u`` is linear in ``u``, so the gradient of ``<g(u), v>`` with respect to ``u`` is
  ``J v``.  Two backward passes, the first one recording a graph (``create_graph=True``), which is
  also what ``torch.func.jvp`` does here (``_func_jac.py``).  Several dual inputs each add their
  own ``J_i v_i`` in the same second pass.

What this costs in likeness (docs/differences.md): a dual tensor, and everything computed from
one, shows ``requires_grad=True`` and a ``grad_fn``; tangents need grad mode on while the
function runs; the graph must still be there when ``unpack_dual`` asks for it.
"""
from __future__ import annotations   # Tensor is imported late (glasstorch._tensor imports autograd)

import weakref
from typing import NamedTuple

from .graph import AccumulateGrad, Node
from .grad_mode import _DecoratorContextManager, enable_grad, no_grad
from .._arg_parser import tp_name

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

_current_level = -1     # torch keeps the level in this module attribute too; -1: none entered


class _Level:
    """What one entered level knows: its seeds (and tangents), its duals, and the primals handed out."""

    def __init__(self):
        self.seeds = {}      # id(seed) -> (seed, tangent): the seed is held, so its id stays unique
        self.duals = {}      # id(dual) -> (weakref(dual), primal, tangent, seed)
        self.plain = {}      # id(primal view) -> weakref: unpack_dual's primals have no tangent in torch


_LEVEL = [None]


class ViewBackward0(Node):
    """d = make_dual(x, v): d is x, seen by the graph as x + seed   ->   dx = g, dseed = g"""
    __slots__ = ()

    def backward(self, g):
        return g, g


def enter_dual_level():
    """Start the (only) forward-AD level; tensors made dual from now on carry tangents."""
    global _current_level
    if _current_level != -1:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _LEVEL[0] = _Level()
    _current_level = 0
    return 0


def exit_dual_level(*, level=None):
    """End the current level: every tangent made in it is dropped."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    _LEVEL[0] = None
    _current_level = level - 1


class dual_level(_DecoratorContextManager):
    """``with dual_level():`` enters a level and exits it again; works as a decorator too."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, exc_type, exc_value, traceback):
        exit_dual_level()


def _live(table, t):
    entry = table.get(id(t))
    if entry is None:
        return None
    ref = entry[0] if isinstance(entry, tuple) else entry
    return entry if ref() is t else None


def make_dual(tensor, tangent, *, level=None):
    """A tensor aliasing ``tensor`` that carries ``tangent`` (recovered by ``unpack_dual``)."""
    if level is None:
        level = _current_level
    if level < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if level != _current_level:
        raise RuntimeError("Invalid level given to _make_dual")
    lv = _LEVEL[0]
    if tuple(tensor.shape) != tuple(tangent.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {_size(tensor)} while the given "
                           f"forward gradient is of size {_size(tangent)}.")
    if _live(lv.duals, tensor) is not None or _seeds_reached(tensor, lv)[0]:
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward gradient at the same "
                           f"level {level} is not supported.")
    from ..ops._common import record
    seed = tensor.detach().new_zeros(tensor.shape).requires_grad_(True)
    with no_grad():
        dual = tensor.view_as(tensor)       # an alias of the primal's memory, as torch's dual is
    record(ViewBackward0(), dual, tensor, seed)
    lv.seeds[id(seed)] = (seed, tangent)
    lv.duals[id(dual)] = (weakref.ref(dual), tensor, tangent, seed)
    return dual


def _size(t):
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


class UnpackedDualTensor(NamedTuple):
    """What ``unpack_dual`` returns: the primal and its tangent (None without one)."""
    primal: Tensor
    tangent: Tensor | None


def _seeds_reached(t, lv):
    """The seeds of ``lv`` that ``t``'s graph leads to, and whether it leads to other leaves too
    (then ``t`` is part of an ordinary reverse-mode computation as well)."""
    fn = t.grad_fn
    if fn is None:
        return [], t.requires_grad and id(t) not in lv.seeds
    seeds, other, seen, todo = [], False, {id(fn)}, [fn]
    while todo:
        node = todo.pop()
        if isinstance(node, AccumulateGrad):
            entry = lv.seeds.get(id(node.variable))
            if entry is not None and entry[0] is node.variable:
                seeds.append(entry)
            else:
                other = True
            continue
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in seen:
                seen.add(id(nxt))
                todo.append(nxt)
    return seeds, other


def _carries_tangent(tensors):
    """Whether any of ``tensors`` has a tangent at the current level (a custom Function then needs a jvp)."""
    lv = _LEVEL[0]
    return lv is not None and any(_live(lv.duals, t) is not None or _seeds_reached(t, lv)[0] for t in tensors)


def _needs_grad_beyond_tangent(t):
    """Whether ``t`` (which requires grad here) would require grad in torch: it leads to a leaf other
    than the current level's seeds."""
    lv = _LEVEL[0]
    if lv is None:
        return True
    seeds, other = _seeds_reached(t, lv)
    return other or not seeds


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)`` of ``tensor`` at ``level``; the tangent is None where it has none."""
    if level is None:
        level = _current_level
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    from .._tensor import Tensor
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_unpack_dual(): argument 'dual' (position 1) must be Tensor, not {tp_name(tensor)}")
    lv = _LEVEL[0]
    if level != _current_level or lv is None:
        return UnpackedDualTensor(_alias(tensor), None)
    entry = _live(lv.duals, tensor)
    if entry is not None:                   # a dual made by make_dual: its tangent as given
        return UnpackedDualTensor(_alias(entry[1]), entry[2])
    if _live(lv.plain, tensor) is not None:
        return UnpackedDualTensor(_alias(tensor), None)
    seeds, other = _seeds_reached(tensor, lv)
    if not seeds:
        return UnpackedDualTensor(_alias(tensor), None)
    keep_graph = other or any(v.requires_grad for _, v in seeds)
    tangent = _jvp(tensor, seeds, keep_graph)
    if other:
        # the primal stays part of the user's reverse graph, which here includes the seeds
        primal = tensor.view_as(tensor)
        lv.plain[id(primal)] = weakref.ref(primal)
    else:
        primal = tensor.detach()
    return UnpackedDualTensor(primal, tangent)


def _alias(t):
    return t.view_as(t)


from ._fwd_trick import forward_trick  # noqa: E402


def _jvp(y, seeds, keep_graph):
    """``sum_i J_i v_i`` for the seeds ``(s_i, v_i)`` that ``y`` depends on (the double vjp)."""
    from .. import autograd
    with enable_grad():
        # ones, not zeros: some backward formulas (logcumsumexp's log|g|) are singular at g = 0
        u = y.detach().new_ones(y.shape).requires_grad_(True)
        with forward_trick():
            gs = autograd.grad([y], [s for s, _ in seeds], [u], create_graph=True, allow_unused=True)
        pairs = [(g, v.to(g.dtype)) for g, (_, v) in zip(gs, seeds) if g is not None and g.requires_grad]
        res = None
        if pairs:
            res = autograd.grad([g for g, _ in pairs], [u], [v for _, v in pairs], create_graph=keep_graph,
                                allow_unused=True)[0]
    if res is None:                         # y depends on the duals, but not differentiably
        res = y.detach().new_zeros(y.shape)
    return res
