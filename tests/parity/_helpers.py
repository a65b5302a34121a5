"""One-lambda parity testing: the same function runs on torch and on glasstorch.

    same_on_both(lambda t, x, y: x * y, [x_array, y_array])

builds the inputs from the same NumPy arrays for both libraries, runs the function, compares
value, dtype, shape and grad_fn name, then backpropagates the same *random* upstream gradient
and compares the inputs' gradients.  ``same_error`` checks exception type and message.
"""
import numpy as np
import torch

import glasstorch

MODS = (torch, glasstorch)


def make(mod, arr, requires_grad=False):
    """A tensor of ``mod`` holding a copy of ``arr`` (a NumPy array or a Python number)."""
    if not isinstance(arr, np.ndarray):
        return arr
    t = mod.from_numpy(np.array(arr, copy=True))
    if requires_grad and arr.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def to_np(x):
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        return np.asarray(x.detach().numpy())
    return np.asarray(x)


def grad_fn_name(x):
    fn = getattr(x, "grad_fn", None)
    return None if fn is None else type(fn).__name__


def graph_names(y):
    """The names of the nodes of y's graph, depth first from y.grad_fn (each node once)."""
    out, todo, seen = [], [y.grad_fn], set()
    while todo:
        n = todo.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        out.append(n.name())
        todo += [c for c, _ in n.next_functions]
    return out


def assert_same_array(a, b, rtol=0.0, atol=0.0, what="value"):
    """Equal shape and dtype; values exactly equal (nan == nan) unless a tolerance is given."""
    a, b = to_np(a), to_np(b)
    assert a.shape == b.shape, f"{what}: shape torch {a.shape} vs glasstorch {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype torch {a.dtype} vs glasstorch {b.dtype}"
    if rtol == 0 and atol == 0:
        ok = np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        if ok and a.dtype.kind == "f":   # signed zeros count too
            ok = np.array_equal(np.signbit(a), np.signbit(b))
        assert ok, f"{what} differs:\ntorch      {a!r}\nglasstorch {b!r}"
    else:
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def values_and_grads(fn, x, g):
    """[(value, input gradient)] of ``fn(mod, tensor)`` on torch, then glasstorch: both from a copy of
    the array ``x``, backpropagating a copy of the array ``g``."""
    out = []
    for m in MODS:
        a = m.from_numpy(np.array(x, copy=True)).requires_grad_(True)
        y = fn(m, a)
        y.backward(m.from_numpy(np.array(g, copy=True)))
        out.append((y.detach().numpy().copy(), a.grad.numpy().copy()))
    return out


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def same_on_both(fn, arrays, grad=True, rtol=0.0, atol=0.0, grad_rtol=None, grad_atol=None, seed=0):
    """Run ``fn(mod, *inputs)`` on torch and glasstorch; compare outputs and gradients."""
    ins = {m: [make(m, a, requires_grad=grad) for a in arrays] for m in MODS}
    outs = {m: _flat(fn(m, *ins[m])) for m in MODS}
    assert len(outs[torch]) == len(outs[glasstorch])
    for o_t, o_g in zip(outs[torch], outs[glasstorch]):
        if isinstance(o_t, torch.Tensor):
            assert isinstance(o_g, glasstorch.Tensor), f"glasstorch returned {type(o_g)}"
            assert_same_array(o_t, o_g, rtol, atol)
            assert str(o_t.dtype) == str(o_g.dtype)
            assert grad_fn_name(o_t) == grad_fn_name(o_g), f"{grad_fn_name(o_t)} vs {grad_fn_name(o_g)}"
            assert o_t.requires_grad == o_g.requires_grad
        else:
            assert o_t == o_g or (o_t != o_t and o_g != o_g), f"{o_t!r} vs {o_g!r}"
    if not grad:
        return outs
    rng = np.random.default_rng(seed)
    roots = [(o_t, o_g) for o_t, o_g in zip(outs[torch], outs[glasstorch])
             if isinstance(o_t, torch.Tensor) and o_t.requires_grad]
    if not roots:
        return outs
    ups = [rng.standard_normal(o_t.shape).astype(to_np(o_t).dtype) for o_t, _ in roots]
    torch.autograd.backward([o for o, _ in roots], [torch.from_numpy(u.copy()) for u in ups])
    glasstorch.autograd.backward([o for _, o in roots], [glasstorch.from_numpy(u.copy()) for u in ups])
    gr = rtol if grad_rtol is None else grad_rtol
    ga = atol if grad_atol is None else grad_atol
    for i, (a_t, a_g) in enumerate(zip(ins[torch], ins[glasstorch])):
        if isinstance(a_t, torch.Tensor) and a_t.requires_grad:
            if a_t.grad is None:
                assert a_g.grad is None, f"input {i}: torch has no grad, glasstorch has one"
            else:
                assert a_g.grad is not None, f"input {i}: glasstorch has no grad"
                assert_same_array(a_t.grad, a_g.grad, gr, ga, what=f"grad of input {i}")
    return outs


def same_error(fn, *args):
    """``fn(mod, *args)`` raises the same exception type and message on both libraries."""
    errs = {}
    for m in MODS:
        try:
            fn(m, *args)
        except Exception as e:        # noqa: BLE001 - we compare whatever torch raises
            errs[m] = e
        else:
            errs[m] = None
    e_t, e_g = errs[torch], errs[glasstorch]
    assert e_t is not None, "torch raised nothing"
    assert e_g is not None, f"glasstorch raised nothing; torch raised {type(e_t).__name__}: {e_t}"
    assert type(e_t).__name__ == type(e_g).__name__, f"{type(e_t).__name__}: {e_t}\nvs {type(e_g).__name__}: {e_g}"
    assert _msg(e_t) == _msg(e_g), f"torch:      {_msg(e_t)!r}\nglasstorch: {_msg(e_g)!r}"


def _msg(e):
    s = str(e.args[0]) if e.args else str(e)
    # torch appends C++ context in debug builds; compare the first line group only
    return s.split("\nException raised from")[0].strip()


def same_result_or_error(fn, arrays, **kw):
    """Like ``same_on_both``, but where torch raises, glasstorch must raise the same error."""
    try:
        fn(torch, *[make(torch, a) for a in arrays])
    except Exception:      # noqa: BLE001
        same_error(lambda m: fn(m, *[make(m, a) for a in arrays]))
        return None
    return same_on_both(fn, arrays, **kw)


def same_outcome(fn, rtol=0.0, atol=0.0):
    """``fn(module)`` on both libraries, warnings silenced: torch's exception raised alike by glasstorch, or
    else the same tensors (values, dtype, shape, grad_fn; no backward)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(torch)
        except Exception:      # noqa: BLE001 - torch's error is the expectation
            same_error(fn)
            return
        same_on_both(lambda m: fn(m), [], grad=False, rtol=rtol, atol=atol)


def same_expression(expr, rtol=1e-6, atol=1e-7):
    """``expr``, Python text naming the library ``t`` (with ``nn``, ``F`` and NumPy's ``np``), evaluated on
    torch and on glasstorch after ``manual_seed(0)``: the same tensors (values, dtype, shape, grad_fn), the
    same other results (compared by repr, with the library's name made torch's), or torch's exception."""
    import warnings

    def fn(m):
        scope = {"t": m, "nn": m.nn, "F": m.nn.functional, "np": np}
        m.manual_seed(0)
        return eval(expr, scope)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = fn(torch)
        except Exception:      # noqa: BLE001 - torch's error is the expectation
            want = None
        if not isinstance(want, torch.Tensor) and want is not None:
            assert repr(fn(glasstorch)).replace("glasstorch", "torch") == repr(want)
            return
    same_outcome(fn, rtol, atol)


def eval_outcome(expr, env):
    """``eval(expr, env)`` as text: its repr (object addresses removed) or ``"Type: message"`` of what it
    raised; and the warnings it gave, as (category name, message) pairs."""
    import re
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = repr(eval(expr, env))
        except Exception as e:            # noqa: BLE001 - torch's exception is the expectation
            out = f"{type(e).__name__}: {e}"
    return re.sub(r" at 0x[0-9a-f]+", "", out), [(w.category.__name__, str(w.message)) for w in caught]


def warning_sites(fn, mod, here):
    """``fn(mod)`` with every warning recorded: (its output, and for each warning its category, message,
    whether it points into the file ``here`` and at which line there)."""
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(mod)
    return [(c.category.__name__, str(c.message), c.filename == here, c.lineno if c.filename == here else None)
            for c in w], out
