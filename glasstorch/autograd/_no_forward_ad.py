"""Ops torch has no forward-mode derivative for (``_cdist_forward``, ``_euclidean_dist``,
``_pdist_forward``, ...) refuse to run on a tensor that carries a tangent, with torch's message.

glasstorch builds tangents from the reverse graph (see ``forward_ad.py``), so "carries a tangent"
means: the tensor's graph reaches one of the tangent roots in force, which are

* the inputs ``torch.func.jvp`` / ``jacfwd`` / ``hessian`` track while the user's function runs
  (pushed here with ``with tangent_roots(tensors):``), and
* the hidden seeds of ``forward_ad.make_dual`` in the current dual level.

Tensors that merely require grad (a parameter closed over, say) carry no tangent in torch, and pass.
The graph is walked only when an op of this kind runs while some root is in force."""
from .graph import AccumulateGrad

_ROOTS = []         # one list of tracked tensors per running forward-mode transform
_OFF = [0]          # > 0 while a custom Function's forward runs: torch turns forward AD off there


class fw_grad_off:
    """``with fw_grad_off():`` ops see no tangents (torch's AutoFwGradMode(false) around Function.forward)."""
    __slots__ = ()

    def __enter__(self):
        _OFF[0] += 1

    def __exit__(self, *exc):
        _OFF[0] -= 1


class tangent_roots:
    """``with tangent_roots(tensors):`` the tensors carry tangents while the block runs."""
    __slots__ = ("ts",)

    def __init__(self, tensors):
        self.ts = list(tensors)

    def __enter__(self):
        _ROOTS.append(self.ts)

    def __exit__(self, *exc):
        _ROOTS.pop()


def _seeds():
    from . import forward_ad
    level = forward_ad._LEVEL[0]
    return [s for s, _ in level.seeds.values()] if level is not None else []


def _carries_tangent(t, leaves, nodes):
    if not t.requires_grad:
        return False
    if id(t) in leaves:
        return True
    todo, seen = [t.grad_fn], set()
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in nodes:
            return True
        if isinstance(node, AccumulateGrad):
            if id(node.variable) in leaves:
                return True
            continue
        todo.extend(n for n, _ in node.next_functions)
    return False


def _any_tangent(xs):
    """Whether forward AD is on and one of ``xs`` carries a tangent (its graph reaches a seed)."""
    if _OFF[0]:
        return False
    roots = [t for ts in _ROOTS for t in ts] + _seeds()
    if not roots:
        return False
    leaves = {id(t) for t in roots}
    nodes = {id(t.grad_fn) for t in roots if t.grad_fn is not None}
    return any(hasattr(x, "grad_fn") and _carries_tangent(x, leaves, nodes) for x in xs)


def refuse_forward_ad(name, *inputs, fallback=False):
    """Raise torch's NotImplementedError if any of ``inputs`` carries a forward-mode tangent.  ``fallback``:
    an op whose autograd kernel is torch's NotImplemented fallback (no derivatives.yaml entry), which
    words it differently (``name`` is then "aten::op")."""
    if _any_tangent(inputs):
        if fallback:
            raise NotImplementedError(f"Trying to use forward AD with {name} that does not support it.")
        raise NotImplementedError(
            f"Trying to use forward AD with {name} that does not support it because it has not been implemented "
            "yet.\nPlease file an issue to PyTorch at https://github.com/pytorch/pytorch/issues/new?template="
            "feature-request.yml so that we can prioritize its implementation or submit a PR adding the "
            "implementation to derivatives.yaml")


def refuse_out_forward_ad(name, *tensors):
    """torch's refusal of an ``out=`` call when an input (or ``out`` itself) carries a forward-mode tangent;
    ``name`` is the op's aten name (``exp``: "exp_out").  It comes before the reverse-mode refusal, which a
    dual tensor (it requires no grad in torch) does not meet."""
    if _any_tangent(tensors):
        raise NotImplementedError(f"Trying to use forward AD with {name}_out that does not support it because it "
                                  "is an out= function")
