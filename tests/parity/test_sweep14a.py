"""Parity tests for the gaps the sweep14a programs (tests/programs/sweep14a_*.py) found."""
import warnings

import numpy as np
import pytest

import glasstorch

from ._helpers import MODS, same_error, same_on_both

R = np.random.default_rng(14)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _both(fn):
    """``fn(mod)`` on torch and glasstorch; the results must be equal."""
    got = [_quiet(lambda: fn(m)) for m in MODS]
    assert got[0] == got[1], f"torch {got[0]!r}\nglasstorch {got[1]!r}"


# ---- storages: the book's storage chapter indexes, iterates and prints them ----

def test_untyped_storage_iterates_bytes():
    _both(lambda t: list(t.tensor([[4.0, 1.0], [5.0, 3.0]]).untyped_storage()))


def test_untyped_storage_getitem_and_tolist():
    _both(lambda t: (lambda s: (s[0], s[3], s[-1], s.tolist(), s[1:5].tolist(), s[1:5].nbytes(),
                                s.element_size()))(t.tensor([1.5, -2.0]).untyped_storage()))


@pytest.mark.parametrize("dtype", ["int16", "float64", "bool"])
def test_untyped_storage_str(dtype):
    _both(lambda t: str(t.from_numpy(np.array([1, 258, 0], dtype=dtype)).untyped_storage()))


def test_untyped_storage_setitem_writes_tensor():
    def fn(t):
        x = t.tensor([4.0, 1.0])
        s = x.untyped_storage()
        s[0:2] = 300        # the low byte only
        s[4] = -1
        return x.tolist()
    _both(fn)


@pytest.mark.parametrize("idx", [100, -100])
def test_untyped_storage_getitem_out_of_range(idx):
    same_error(lambda t: t.ones(2).untyped_storage()[idx])


@pytest.mark.parametrize("idx,value", [(100, 1), (-1, 1), (0, 1.5), ("a", 1)])
def test_untyped_storage_setitem_errors(idx, value):
    def fn(t):
        t.ones(2).untyped_storage()[idx] = value
    same_error(fn)


def test_untyped_storage_slice_step():
    same_error(lambda t: t.ones(2).untyped_storage()[::2])


def test_typed_storage_setitem():
    def fn(t):
        x = t.tensor([[4.0, 1.0], [5.0, 3.0]])
        s = x.storage()
        s[1] = 7.0
        s[2:4] = 0.5
        return x.tolist(), s[-1]
    _both(fn)


@pytest.mark.parametrize("idx", [4, -5])
def test_typed_storage_getitem_out_of_range(idx):
    same_error(lambda t: _quiet(lambda: t.ones(4).storage()[idx]))


def test_typed_storage_setitem_out_of_range():
    def fn(t):
        s = _quiet(lambda: t.ones(4).storage())
        s[10] = 1.0
    same_error(fn)


# ---- torch.optim's namespace ----

def test_optim_dir_lists_classes_only():
    _both(lambda t: [n for n in dir(t.optim) if not n.startswith("_")])


def test_optim_submodules_not_attributes():
    _both(lambda t: [hasattr(t.optim, n) for n in ("optimizer", "sgd", "adam", "lbfgs", "sparse_adam", "Muon")])


def _muon_run(t, shape, kw, steps=3):
    t.manual_seed(0)
    w = t.nn.Parameter(t.randn(*shape))
    x = t.randn(6, shape[1])
    opt = t.optim.Muon([w], **kw)
    for _ in range(steps):
        opt.zero_grad()
        ((x @ w.T).tanh() ** 2).sum().backward()
        opt.step()
    return w.detach().numpy().tobytes(), sorted(opt.state[w]), repr(opt)


@pytest.mark.parametrize("shape,kw", [((4, 6), {}), ((7, 3), dict(nesterov=False, adjust_lr_fn="match_rms_adamw")),
                                      ((5, 5), dict(lr=0.05, weight_decay=0.0, ns_steps=3))])
def test_muon_steps_bit_identical(shape, kw):
    _both(lambda t: _muon_run(t, shape, kw))


@pytest.mark.parametrize("kw", [dict(lr=-1.0), dict(momentum=-0.5), dict(weight_decay=-1.0),
                                dict(adjust_lr_fn="other")])
def test_muon_argument_errors(kw):
    same_error(lambda t: t.optim.Muon([t.nn.Parameter(t.ones(2, 2))], **kw))


def test_muon_rejects_non_matrix():
    same_error(lambda t: t.optim.Muon([t.nn.Parameter(t.ones(3))]))


def _swap_in(t, bad=None):
    t.manual_seed(0)
    m = t.nn.Linear(3, 2)
    # SGD with momentum: Adam's sqrt differs from torch's MKL sqrt in the last bit (docs/differences.md)
    opt = t.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    m(t.randn(4, 3)).sum().backward()
    opt.step()
    params = {n: p.detach().clone() for n, p in m.named_parameters()}
    for p, q in zip(params.values(), m.parameters()):
        p.grad = q.grad.clone()
    sd = opt.state_dict()
    osd = {"state": {k: {kk: vv.clone() for kk, vv in v.items()} for k, v in sd["state"].items()},
           "param_groups": [dict(g, lr=0.5) for g in sd["param_groups"]]}
    if bad is not None:
        osd = bad(osd)
    with t.optim.swap_in_optimizer_params_and_state(opt, params, osd):
        inside = (opt.param_groups[0]["lr"], len(opt.state))
        opt.step()
    return inside, opt.param_groups[0]["lr"], params["weight"].tolist(), m.weight.tolist(), \
        osd["state"][0]["momentum_buffer"].tolist()


def test_swap_in_optimizer_params_and_state():
    _both(_swap_in)


@pytest.mark.parametrize("bad", [lambda o: dict(o, state=[]), lambda o: dict(o, param_groups=[{}]),
                                 lambda o: dict(o, state={**o["state"], 9: {}}),
                                 lambda o: dict(o, param_groups=[dict(o["param_groups"][0], extra=1)]),
                                 lambda o: 3])
def test_swap_in_optimizer_params_and_state_errors(bad):
    same_error(lambda t: _swap_in(t, bad))


# ---- errors learners meet first ----

@pytest.mark.parametrize("dtype", ["U2", "O", "M8[s]", "S2", np.longdouble, ">f8"])
@pytest.mark.parametrize("fn", ["tensor", "from_numpy", "as_tensor"])
def test_numpy_array_of_unsupported_type(fn, dtype):
    same_error(lambda t: getattr(t, fn)(np.zeros(2, dtype=dtype)))


@pytest.mark.parametrize("dtype", ["u1", "i2", "f2", "c8", "?"])
def test_numpy_array_of_supported_type(dtype):
    _both(lambda t: str(t.as_tensor(np.ones(2, dtype=dtype))))


@pytest.mark.parametrize("fn,args", [
    ("stack", ([1.0],)), ("stack", (["t", 2.0],)), ("cat", (["t", None],)), ("cat", (["t", [2.0]],)),
    ("cat", (["t", np.ones(1)],)), ("hstack", (["t", 1],)), ("vstack", (["t", True],)),
    ("column_stack", (["t", 2],)), ("dstack", ([1],)), ("cat", (3,)), ("cat", ("ab",)),
    ("stack", ("gen",)), ("cat", ([],)), ("stack", ([],))])
def test_join_refuses_non_tensors(fn, args):
    def call(t):
        a = args[0]
        if a == "gen":
            a = (x for x in [t.ones(1)])
        elif isinstance(a, list):
            a = [t.ones(1) if x == "t" else x for x in a]
        return getattr(t, fn)(a)
    same_error(call)


def test_parameter_of_integer_tensor():
    same_error(lambda t: t.nn.Parameter(t.tensor([1, 2])))


def test_parameter_of_integer_tensor_without_grad():
    _both(lambda t: str(t.nn.Parameter(t.tensor([1, 2]), requires_grad=False)))


@pytest.mark.parametrize("args,kw", [((0, 10, 3), {}), ((10, 3), {}), ((10,), dict(size=3)), ((0, 10), dict(size=3)),
                                     ((10, (2.5,)), {}), ((10, None), {}), ((0, 10, None), {}), ((10,), {}),
                                     ((0, 10, (2,), 5), {}), ((1.5, (2,)), {}), ((0, 10, (2.5,)), {})])
def test_randint_bad_arguments(args, kw):
    same_error(lambda t: t.randint(*args, **kw))


@pytest.mark.parametrize("args", [(0, 10, [2]), (0, 10, "size"), (5, (2, 3))])
def test_randint_size_sequences(args):
    def fn(t):
        a = tuple(t.Size([2]) if x == "size" else x for x in args)
        t.manual_seed(0)
        return t.randint(*a).tolist()
    _both(fn)


@pytest.mark.parametrize("fn,args,kw", [("linspace", (0, 1), {}), ("logspace", (0, 1), {}),
                                        ("linspace", (0, 1, 2.5), {}), ("linspace", (0, 1), dict(dtype="float64")),
                                        ("linspace", (0.0, "t"), {}), ("linspace", (0,), {})])
def test_linspace_without_steps(fn, args, kw):
    def call(t):
        a = tuple(t.tensor(1.0) if x == "t" else x for x in args)
        k = {n: getattr(t, v) for n, v in kw.items()}
        return getattr(t, fn)(*a, **k)
    same_error(call)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("how", ["method", "function"])
def test_softmax_without_dim(name, how):
    def fn(t):
        x = t.ones(2)
        return getattr(x, name)() if how == "method" else getattr(t, name)(x)
    same_error(fn)


def test_softmax_dim_none():
    same_error(lambda t: t.ones(2).softmax(dim=None))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_implicit_softmax_dim_values(name):
    # inputs of its own (the shared generator's state depends on which tests ran first in the worker, and
    # the float32 exp behind these differs from torch's SLEEF in the last bit for some inputs)
    # (softmax gradients cancel: a small element carries the absolute error of the large ones, hence the atol)
    x = np.random.default_rng(14).standard_normal((3, 4)).astype(np.float32)
    same_on_both(lambda t, x: _quiet(lambda: getattr(t.nn.functional, name)(x)), [x], rtol=1e-6, grad_rtol=1e-5,
                 grad_atol=2e-8)


def _implicit_dim_warning(t, name):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        getattr(t.nn.functional, name)(t.ones(2, 3))      # the warning must point at this line
    return [(str(x.message), x.filename, x.lineno) for x in w]


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_implicit_softmax_dim_warning(name):
    _both(lambda t: _implicit_dim_warning(t, name))


# ---- torch.load(weights_only=True) of a whole pickled module ----

def test_weights_only_refusal_message():
    def fn(t):
        import io
        buf = io.BytesIO()
        t.save(t.nn.Sequential(t.nn.Linear(2, 2)), buf)
        buf.seek(0)
        t.load(buf)
    same_error(fn)


# ---- a CPU-only build: no pinned memory; torch.compiler answers as in eager torch ----

@pytest.mark.parametrize("args", [(), ("cpu",)])
def test_pin_memory_without_accelerator(args):
    same_error(lambda t: _quiet(lambda: t.ones(2).pin_memory(*args)))


def test_is_pinned():
    _both(lambda t: t.ones(2).is_pinned())


def test_compiler_queries():
    def g(x):
        return x * 2

    def fn(t):
        wrapped = t.compiler.disable(g)
        return (t.compiler.is_compiling(), t.compiler.is_dynamo_compiling(), t.compiler.is_exporting(),
                wrapped is g, wrapped.__name__, wrapped(3), t.compiler.disable()(g)(4),
                t.compiler.allow_in_graph(g) is g, t.compiler.assume_constant_result(g) is g, t.compiler.reset())
    _both(fn)


# ---- torch.tensor of tensors; float() of a tensor that requires grad ----

@pytest.mark.parametrize("case", ["int", "float", "float_as64", "int_as_float", "bool", "mixed_int", "float_then_int",
                                  "number_first"])
def test_tensor_of_multi_element_tensors(case):
    def fn(t):
        a, b = t.tensor([1, 2]), t.tensor([3, 4])
        return {"int": lambda: t.tensor([a, b]), "float": lambda: t.tensor([a.float(), b.float()]),
                "float_as64": lambda: t.tensor([a.float(), b.float()], dtype=t.float64),
                "int_as_float": lambda: t.tensor([a, b], dtype=t.float32),
                "bool": lambda: t.tensor([t.tensor([True, False])]),
                "mixed_int": lambda: t.tensor([t.tensor(1), b]), "float_then_int": lambda: t.tensor([b.float(), 1]),
                "number_first": lambda: t.tensor([1, b])}[case]()
    same_error(fn)


def _grad_scalar_warnings(t):
    from glasstorch import _tensor_convert
    _tensor_convert._GRAD_SCALAR_WARNED[0] = False        # (torch warns once per process)
    w = t.tensor(2.0, requires_grad=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        w.item(), int(w), f"{w:.2f}", w.tolist()
        t.tensor([w * 1, w * 2])
    return [(str(r.message), r.lineno) for r in rec][:1]


def test_float_of_grad_tensor_warns():
    got = _grad_scalar_warnings(glasstorch)
    import subprocess
    import sys
    # torch warns once per process: ask a fresh interpreter
    code = ("import warnings, torch\nw = torch.tensor(2.0, requires_grad=True)\n"
            "with warnings.catch_warnings(record=True) as rec:\n    warnings.simplefilter('always')\n"
            "    float(w)\nprint(repr(str(rec[0].message)))")
    want = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    assert got and repr(got[0][0]) == want


def test_iterable_dataset_is_abstract():
    def fn(t):
        class NoIter(t.utils.data.IterableDataset):
            pass
        NoIter()
    same_error(fn)
    same_error(lambda t: t.utils.data.IterableDataset())


def test_iterable_dataset_subclass_loads():
    def fn(t):
        class Numbers(t.utils.data.IterableDataset):
            def __iter__(self):
                return iter(t.arange(5.0))
        return [b.tolist() for b in t.utils.data.DataLoader(Numbers(), batch_size=2)], \
            isinstance([1], t.utils.data.IterableDataset)
    _both(fn)
