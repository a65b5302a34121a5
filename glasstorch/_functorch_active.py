"""Which torch.func transforms are running, so that ``autograd.Function.apply`` can refuse what functorch
refuses: an old-style Function (``forward(ctx, ...)``, no ``setup_context``) under any transform, a Function
without a vmap rule under vmap (jacfwd and hessian vmap too), one without ``jvp`` under forward mode.

glasstorch's transforms are loops and double-backward tricks, not functorch's interpreter stack; each keeps
a count here while it runs the user's function: ``DEPTH`` = [any transform, vmapping, forward mode]."""

from . import _func_captures as _captures

DEPTH = [0, 0, 0]
_DOCS = "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"


class active:
    """``with active(vmap=..., jvp=...):`` counts one transform while the user's function runs."""
    __slots__ = ("v", "j")

    def __init__(self, vmap=False, jvp=False):
        self.v, self.j = int(vmap), int(jvp)

    def __enter__(self):
        DEPTH[0] += 1
        DEPTH[1] += self.v
        DEPTH[2] += self.j
        if not self.v or self.j:        # a grad-like transform: it tells captured tensors (_func_captures.py)
            _captures.push()

    def __exit__(self, *exc):
        DEPTH[0] -= 1
        DEPTH[1] -= self.v
        DEPTH[2] -= self.j
        if not self.v or self.j:
            _captures.pop()


def check_function(cls, base):
    """Raise functorch's error for calling Function ``cls`` (``base`` is autograd.Function) here."""
    if cls.setup_context is base.setup_context:
        raise RuntimeError("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
                           "jacrev, ...), it must override the setup_context staticmethod. " + _DOCS)
    if DEPTH[1]:
        own_rule = cls.vmap is not base.vmap
        if cls.generate_vmap_rule and own_rule:
            raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True and "
                               "an overridden vmap staticmethod. Please set generate_vmap_rule=False or delete the "
                               "overridden vmap staticmethod to avoid ambiguity. " + _DOCS)
        if not (cls.generate_vmap_rule or own_rule):
            raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
                               "override and implement the vmap staticmethod or set generate_vmap_rule=True. " + _DOCS)
    if DEPTH[2] and cls.jvp is base.jvp:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")
