"""torch.linalg's ``out=`` when a tensor involved requires grad, and eig's castable ``out`` dtypes.

torch.linalg's functions are thin Python bindings over ATen ops, so which error (or graph) an ``out=``
call with a gradient to track gives depends on the op that writes into ``out``:

* most reach a native ``_out`` kernel, whose autograd wrapper refuses naming that kernel's op
  (``linalg.inv`` -> ``linalg_inv_ex()``, ``linalg.det`` -> ``_linalg_det()``, ``multi_dot`` -> ``mm()``);
* the composites ``matrix_norm``, ``norm``, ``cond``, ``tensorinv``, ``tensorsolve`` compute a normal
  result and ``copy_`` it into ``out``, so ``out`` gets a ``CopyBackwards`` grad_fn (and a leaf ``out``
  that requires grad meets copy_'s in-place error);
* ops without a derivative (``eigvals``' out kernel, the ldl family) write the values and hang a
  ``NotImplemented`` node from ``out``; only an ``out`` that requires grad is refused, named ``aten::<op>``.
"""
from .autograd.grad_mode import GRAD, no_grad

# the ATen op whose out= autograd check refuses each function's call
_REFUSED_BY = {"eig": "linalg_eig", "eigvalsh": "_linalg_eigh", "eigh": "_linalg_eigh", "svdvals": "_linalg_svd",
               "svd": "_linalg_svd", "inv": "linalg_inv_ex", "inv_ex": "linalg_inv_ex", "det": "_linalg_det",
               "slogdet": "_linalg_slogdet", "solve": "_linalg_solve_ex", "solve_ex": "_linalg_solve_ex",
               "cholesky": "linalg_cholesky_ex", "cholesky_ex": "linalg_cholesky_ex", "qr": "linalg_qr",
               "matrix_power": "matmul", "vector_norm": "linalg_vector_norm", "pinv": "linalg_pinv",
               "lu_factor": "linalg_lu_factor_ex", "lu_factor_ex": "linalg_lu_factor_ex", "lu": "linalg_lu",
               "lu_solve": "linalg_lu_solve", "multi_dot": "mm", "householder_product": "linalg_householder_product",
               "solve_triangular": "linalg_solve_triangular", "vecdot": "vdot", "matmul": "matmul"}
_COPIED = frozenset({"matrix_norm", "norm", "cond", "tensorinv", "tensorsolve"})
_NO_DERIVATIVE = {"eigvals": "linalg_eigvals", "ldl_factor": "linalg_ldl_factor_ex",
                  "ldl_factor_ex": "linalg_ldl_factor_ex", "ldl_solve": "linalg_ldl_solve"}
_REFUSAL = "{}(): functions with out=... arguments don't support automatic differentiation, but one of the " \
           "arguments requires grad."

# these cast their result into any out it can safely go to (checkLinalgCompatibleDtype, with its message)
_CASTABLE = {"eigvals": ("torch.linalg.eigvals", ("eigenvalues",)),
             "eig": ("torch.linalg.eig", ("eigenvalues", "eigenvectors")),
             "pinv": ("linalg.pinv", ("result",)), "cond": ("linalg.cond", ("result",)),
             "tensorinv": ("tensorinv", ("result",)), "tensorsolve": ("tensorsolve", ("result",))}


def _key(name):
    return name[7:] if name.startswith("linalg_") else name      # (the functions carry torch's linalg_ names)


def _tensors(x):
    return [t for t in (x if isinstance(x, (tuple, list)) else (x,)) if hasattr(t, "_data")]


def _tracked(name, r, out):
    """Whether a result, or an ``out`` tensor of a differentiable output, requires grad (lu's P is not
    differentiable: an ``out`` for it may require grad)."""
    if not GRAD.enabled:
        return False
    outs = _tensors(out)
    if _key(name) == "lu":
        outs = outs[1:]
    return any(t._rg for t in _tensors(r) + outs)


def refuse_first(name, r, out):
    """The refusal of a native out= kernel's autograd wrapper, which runs before the kernel's own checks
    of ``out`` (multi_dot's and vecdot's composites check out's dtype first, then reach mm / vdot)."""
    name = _key(name)
    if name in _REFUSED_BY and name not in ("multi_dot", "vecdot") and _tracked(name, r, out):
        if name == "matrix_power":          # a composite: its own cast check, then matmul's out= kernel
            from .ops._out import _can_cast
            if not all(_can_cast(a._data.dtype, b._data.dtype) for a, b in zip(_tensors(r), _tensors(out))):
                return
        raise RuntimeError(_REFUSAL.format(_REFUSED_BY[name]))


def check_castable(name, r, out):
    """eig, eigvals, pinv, cond, tensorinv, tensorsolve: torch's message when the result cannot be cast
    into ``out``; True when ``name`` follows this rule (the result then goes into any castable dtype)."""
    name = _key(name)
    if name not in _CASTABLE:
        return False
    from ._dtype import _SCALAR_TYPES
    from .ops._out import _can_cast
    fn, what = _CASTABLE[name]
    for label, ri, oi in zip(what, _tensors(r), _tensors(out)):
        src, dst = ri._data.dtype, oi._data.dtype
        if not _can_cast(src, dst):
            raise RuntimeError(f"{fn}: Expected {label} to be safely castable from {_SCALAR_TYPES[src.name]} "
                               f"dtype, but got {label} with dtype {_SCALAR_TYPES[dst.name]}")
    return True


def write_tracked(name, r, out):
    """``r`` written into ``out`` as torch does when a tensor involved requires grad; None when no
    tensor does (or ``name`` is not torch.linalg's), leaving the plain out= write to the caller."""
    from .ops._out import write_out
    if not _tracked(name, r, out):
        if GRAD.enabled and any(t._rg for t in _tensors(out)):     # lu's P alone: written as it is
            with no_grad():
                return write_out(name, r, out)
        return None
    res, outs, key = _tensors(r), _tensors(out), _key(name)
    if key in _REFUSED_BY:
        raise RuntimeError(_REFUSAL.format(_REFUSED_BY[key]))
    if key in _COPIED:
        o = outs[0]
        if o._data.shape != res[0]._data.shape:
            with no_grad():
                write_out(name, res[0].detach(), o)       # resize_output first (with its warning)
        return o.copy_(res[0])
    if key in _NO_DERIVATIVE:
        if any(t._rg for t in outs):
            raise RuntimeError(_REFUSAL.format("aten::" + _NO_DERIVATIVE[key]))
        edges = res[0].grad_fn.next_functions
        with no_grad():
            done = write_out(name, type(r)(*[t.detach() for t in r]) if isinstance(r, tuple) else r.detach(), out)
        from .ops._no_derivative import NotImplemented
        from .ops._common import record
        node = NotImplemented()
        node.msg = f"derivative for aten::{_NO_DERIVATIVE[key]} is not implemented"
        o = outs[0]
        record(node, o)
        node.next_functions = edges         # the forward's own edges: to the inputs that require grad
        return done
    return None
