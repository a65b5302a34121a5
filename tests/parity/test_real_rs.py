"""Parity pins for real programs rs: kornia 0.8.1 (filters, colour, geometry, losses, augmentation,
morphology, and its own tests) and captum 0.9.0 (attribution methods on a small CNN and an MLP).

Fixed in glasstorch:
- ``torch.uint16`` / ``uint32`` / ``uint64`` exist (kornia keys a dict on them at import): name-only
  dtypes, as bfloat16 is, with torch's attributes, ``iinfo``, ``to_complex`` error and promotion
  (only a floating dtype wins over them; anything else is torch's "Promotion for uint16, uint32,
  uint64 types is not supported" RuntimeError) (kornia);
- ``Dataset``, ``IterableDataset``, ``Subset``, ``ConcatDataset``, ``StackDataset``, ``Sampler``,
  ``DistributedSampler`` and ``DataLoader`` are generic as torch's (``DataLoader[Any]`` in kornia's
  annotations raised "type 'DataLoader' is not subscriptable"); the concrete samplers and
  TensorDataset bind the parameter as torch does (kornia.x);
- ``torch.futures`` (``Future``, ``collect_all``, ``wait_all``), ``torch.Future`` and ``torch.jit.Future``
  (captum imports them; completed explicitly, callbacks run in order, torch's errors) (captum);
- ``torch.nn.parallel.scatter_gather`` (``scatter``, ``scatter_kwargs``, ``gather``): containers
  and plain objects as torch; tensors fail as in a CPU-only torch (captum imports it);
- the tensor hooks of one gradient all receive the same gradient object (the previous hook's result
  if it returned one), as in torch: an attribute one hook sets is seen by the next. captum's LRP
  hands its relevance between hooks that way; its attributions were wrong (captum LRP);
- ``torch.mul`` / ``torch.multiply`` of two Python numbers (torch lets a number stand for a tensor in
  add/sub/mul/div) raised AttributeError when grad mode was on (kornia's test_blur:
  ``torch.mul(*kernel_size)``); given two numbers, add/sub/mul/div take the first as a 0-d tensor of its
  own dtype, as torch's wrapped number (``torch.mul(3, 1.02+0j)`` rounds to complex64 first); ``pow``,
  ``remainder``, the ``bitwise_*`` ops, ``xlogy`` and ``special.xlogy`` / ``xlog1py`` / ``zeta`` of two
  numbers now raise torch's parser TypeError instead of computing a value;
- ``torch._C._nn._parse_to`` (Module.to's parser, which kornia's augmentations call) and
  ``torch.torch`` (torch itself; kornia's docstrings) exist (kornia's test_augmentation);
- ``linalg.svd`` / ``svdvals`` / ``torch.svd`` / ``pinv`` / ``matrix_rank`` of a matrix holding a NaN
  raise torch's LinAlgError (a RuntimeError) "linalg.svd: (Batch element k): The algorithm failed to
  converge because the input matrix contained non-finite values." instead of NumPy's ValueError,
  which kornia's find_homography_lines_dlt did not catch (kornia's test_homography).
"""
import pickle

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from tests.parity._helpers import MODS, same_error, same_on_both, same_outcome

WIDE = ("uint16", "uint32", "uint64")
OTHERS = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bfloat16",
          "complex64", "complex128", "uint16", "uint32", "uint64")


def _both(fn):
    """``fn(module)`` on torch and glasstorch: the results, or ("raised", type name, message)."""
    out = []
    for m in MODS:
        try:
            out.append(fn(m))
        except Exception as e:      # noqa: BLE001 - torch's exception is the expectation
            out.append(("raised", type(e).__name__, str(e)))
    return out


def _same(fn):
    t, g = _both(fn)
    assert t == g, f"torch {t!r}\nglasstorch {g!r}"


# ---- the wide unsigned dtypes ----------------------------------------------------------------------
@pytest.mark.parametrize("name", WIDE)
def test_wide_unsigned_dtype_attributes(name):
    _same(lambda m: (repr(getattr(m, name)), str(getattr(m, name)), getattr(m, name).is_floating_point,
                     getattr(m, name).is_signed, getattr(m, name).is_complex, getattr(m, name).itemsize,
                     repr(getattr(m, name).to_real())))


@pytest.mark.parametrize("name", WIDE)
def test_wide_unsigned_iinfo(name):
    _same(lambda m: (repr(m.iinfo(getattr(m, name))), m.iinfo(getattr(m, name)).max,
                     m.iinfo(getattr(m, name)).min, m.iinfo(getattr(m, name)).bits, m.iinfo(getattr(m, name)).dtype))


@pytest.mark.parametrize("name", WIDE)
def test_wide_unsigned_to_complex_error(name):
    same_error(lambda m: getattr(m, name).to_complex())


@given(st.sampled_from(WIDE), st.sampled_from(OTHERS), st.booleans())
@settings(max_examples=60, deadline=None)
def test_wide_unsigned_promotion(a, b, swap):
    def f(m):
        x, y = getattr(m, a), getattr(m, b)
        return repr(m.promote_types(*((y, x) if swap else (x, y))))
    _same(f)


@pytest.mark.parametrize("name", WIDE)
def test_wide_unsigned_as_dict_keys_and_pickle(name):
    # kornia: {torch.uint16: torch.int16, ...}.get(x.dtype)
    _same(lambda m: (repr({m.uint16: m.int16, m.uint32: m.int32, m.uint64: m.int64}.get(getattr(m, name))),
                     getattr(m, name) == m.int16, getattr(m, name) == getattr(m, name),
                     repr(pickle.loads(pickle.dumps(getattr(m, name))))))


# ---- generic data classes ---------------------------------------------------------------------------
DATA_CLASSES = ("Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset",
                "Subset", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
                "WeightedRandomSampler", "BatchSampler", "DistributedSampler", "DataLoader")


@pytest.mark.parametrize("name", DATA_CLASSES)
def test_data_classes_are_generic_as_torch(name):
    def f(m):
        cls = getattr(m.utils.data, name)
        params = [repr(p) for p in getattr(cls, "__parameters__", ())]
        try:
            sub = cls[int].__origin__ is cls
        except TypeError as e:
            sub = ("TypeError", str(e).replace("glasstorch", "torch"))
        return params, sub
    _same(f)


def test_generic_dataset_subclass_still_works():
    def f(m):
        class Squares(m.utils.data.Dataset[int]):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return m.tensor(i * i)
        loader = m.utils.data.DataLoader(Squares(), batch_size=2)
        return [b.tolist() for b in loader], len(loader)
    _same(f)


# ---- torch.futures ----------------------------------------------------------------------------------
def test_future_chain_and_callbacks():
    def f(m):
        log = []
        fut = m.futures.Future()
        chained = fut.then(lambda x: x.value() * 10)
        fut.add_done_callback(lambda x: log.append(("cb", x.value())))
        before = (fut.done(), chained.done())
        fut.set_result(3)
        late = []
        fut.then(lambda x: late.append(x.wait()))       # added after completion: runs at once
        return before, fut.done(), fut.wait(), fut.value(), chained.wait(), log, late
    _same(f)


def test_future_isinstance_and_subscript():
    _same(lambda m: (m.jit.Future is m.futures.Future, isinstance(m.futures.Future(), m.Future),
                     repr(m.futures.Future[int]).replace("glasstorch", "torch"),
                     m.futures.__all__, type(m.futures.Future()).__name__))


def test_future_errors():
    def twice(m):
        fut = m.futures.Future()
        fut.set_result(1)
        fut.set_result(2)
    same_error(twice)
    same_error(lambda m: m.futures.Future().set_exception(3))

    def stored(m):
        fut = m.futures.Future()
        fut.set_exception(ValueError("bad"))
        fut.wait()
    same_error(stored)


@pytest.mark.parametrize("exc", [KeyError("k"), ValueError("v"), ZeroDivisionError("z")])
def test_future_callback_error_is_wrapped(exc):
    def f(m):
        fut = m.futures.Future()

        def cb(_):
            raise exc
        nxt = fut.then(cb)
        fut.set_result(1)
        try:
            nxt.wait()
        except RuntimeError as e:
            return str(e).split("\n\nAt:\n")[0]       # (the stack that follows names each library's files)
        return None
    _same(f)


@given(st.lists(st.integers(-5, 5), max_size=4), st.permutations(range(4)))
@settings(max_examples=25, deadline=None)
def test_collect_all_and_wait_all(values, order):
    def f(m):
        futs = [m.futures.Future() for _ in values]
        both = m.futures.collect_all(futs)
        states = [both.done()]
        for i in [k for k in order if k < len(values)]:
            futs[i].set_result(values[i])
            states.append(both.done())
        return states, [x.value() for x in both.wait()], m.futures.wait_all(futs)
    _same(f)


# ---- scatter_gather ---------------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "sg.scatter(3, [0, 1])", "sg.scatter([1, (2, 3)], [0, 1])", "sg.scatter({'a': 1}, [0, 1, 2])",
    "sg.scatter(3, [])", "sg.scatter((), [0, 1])", "sg.scatter_kwargs((1,), {'k': 1}, [0, 1])",
    "sg.scatter_kwargs((), None, [0])", "sg.scatter_kwargs((1, 2), {'k': 1}, [0])",
    "sg.scatter_kwargs((1, 2), None, [0, 1])", "sg.gather([None, None], 0)",
    "sg.gather([{'a': None}, {'a': None}], 0)", "sg.gather([{'a': None}, {'b': None, 'c': None}], 0)",
    "sg.gather([1, 1], 0)", "sg.gather([{'a': 1}, {'b': 1}], 0)",
    "sg.scatter(m.ones(4), [0, 1])", "sg.scatter([1, m.ones(2)], [0])", "sg.gather([m.ones(2), m.ones(2)], 0)",
    "sg.gather([(m.ones(1),), (m.ones(1),)], 'cpu')", "sg.__all__",
])
def test_scatter_gather(expr):
    def f(m):
        import importlib
        sg = importlib.import_module(m.__name__ + ".nn.parallel.scatter_gather")
        return repr(eval(expr, {"sg": sg, "m": m}))
    _same(f)


# ---- tensor hooks share one gradient object ---------------------------------------------------------
def test_tensor_hooks_see_one_gradient_object():
    def f(m):
        seen, log = {}, []
        x = m.ones(3, requires_grad=True)
        y = x * 2

        def h1(g):
            seen["g"] = g

        def h2(g):
            log.append(g is seen["g"])
            g.tag = 5

        def h3(g):
            log.append(getattr(seen["g"], "tag", None))
            seen["r"] = g * 10
            return seen["r"]

        def h4(g):
            log.append(g is seen["r"])
        for h in (h1, h2, h3, h4):
            y.register_hook(h)
        y.retain_grad()
        (y * m.tensor([1., 2., 3.])).sum().backward()
        return log, y.grad.tolist(), x.grad.tolist()
    _same(f)


def test_relevance_handed_between_hooks_as_captum_lrp():
    """captum's LRP: a layer's input hook stores its relevance on the gradient object, and the hook of
    the activation before it (registered on the same tensor earlier) picks it up from there."""
    def f(m):
        m.manual_seed(0)
        lin1, lin2 = m.nn.Linear(4, 3), m.nn.Linear(3, 2)
        x = m.rand(2, 4, requires_grad=True)
        grads = {}
        h = m.relu(lin1(x))
        h.register_hook(lambda g: grads.__setitem__("out", g))

        def pass_relevance(g):
            g.replace_out = g * h.detach()
            return g.replace_out
        h.register_hook(pass_relevance)
        a = lin2(h)
        a.sum().backward()
        return grads["out"].replace_out.tolist(), x.grad.tolist()
    _same(f)


# ---- two numbers ------------------------------------------------------------------------------------
NUMS = st.one_of(st.integers(-20, 20), st.floats(-8, 8, allow_nan=False, width=32), st.booleans(),
                 st.complex_numbers(max_magnitude=4, allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("op", ["mul", "multiply", "add", "sub", "subtract", "div", "true_divide"])
@given(a=NUMS, b=NUMS, grad=st.booleans())
@settings(max_examples=30, deadline=None)
def test_number_op_number(op, a, b, grad):
    # (a complex NaN, which same_outcome does not take as equal: test_complex_nan_of_two_numbers)
    assume(not (op in ("div", "true_divide") and abs(b) < 1e-30 and complex in (type(a), type(b))))

    def f(m):
        with m.set_grad_enabled(grad):
            r = getattr(m, op)(a, b)
        return r, r.requires_grad
    same_outcome(f)


def test_complex_nan_of_two_numbers():
    # (same_outcome's array comparison does not take complex NaN as equal: compared by bits here)
    _same(lambda m: [m.div(a, b).reshape(-1).numpy().view(np.uint32).tolist()
                     for a in (0, 1, 2.5, True, 1j) for b in (0j, -0j)])


def test_mul_numbers_with_out():
    same_outcome(lambda m: m.mul(5, 5, out=m.empty(())))
    same_outcome(lambda m: m.multiply(2.5, 4, out=m.empty((), dtype=m.float64)))


@pytest.mark.parametrize("op", ["pow", "remainder", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                                "bitwise_right_shift", "xlogy", "special.xlogy", "special.xlog1py", "special.zeta",
                                "float_power", "fmod", "atan2", "copysign"])
@pytest.mark.parametrize("args", [(2, 3), (2.5, True), (True, False)])
def test_two_numbers_refused(op, args):
    def f(m):
        fn = m.special if op.startswith("special.") else m
        return getattr(fn, op.split(".")[-1])(*args)
    same_error(f)


def test_number_first_still_works():
    same_outcome(lambda m: (m.pow(2, m.tensor([1, 2])), m.remainder(5, m.tensor([2, 3])),
                            m.bitwise_and(6, m.tensor([3])), m.bitwise_left_shift(1, m.tensor([3])),
                            m.xlogy(2, m.tensor([1., 2.])), m.special.xlogy(2, m.tensor([1., 2.])),
                            m.special.zeta(2., m.tensor([1., 2.]))))


def test_pow_keyword_numbers_refused():
    same_error(lambda m: m.pow(input=2, exponent=3))
    same_error(lambda m: m.pow(2, exponent=3))


@pytest.mark.parametrize("call", ["m.special.xlogy(2., 3., out=m.empty(3))", "m.special.xlog1py(2, 3, out=m.empty(1))",
                                  "m.special.zeta(input=2., other=3.)", "m.special.xlogy(2, other=3)",
                                  "m.special.zeta(2., 3., out=m.empty(()))"])
def test_special_two_numbers_refused_as_called(call):
    same_error(lambda m: eval(call, {"m": m}))


# ---- svd of a NaN matrix ----------------------------------------------------------------------------
SVD_CALLS = {
    "svd": lambda m, a: m.linalg.svd(a),
    "svd_reduced": lambda m, a: m.linalg.svd(a, full_matrices=False),
    "svdvals": lambda m, a: m.linalg.svdvals(a),
    "torch.svd": lambda m, a: m.svd(a),
    "Tensor.svd": lambda m, a: a.svd(),
    "pinv": lambda m, a: m.linalg.pinv(a),
    "pinverse": lambda m, a: m.pinverse(a),
    "matrix_rank": lambda m, a: m.linalg.matrix_rank(a),
}


@pytest.mark.parametrize("call", sorted(SVD_CALLS))
@given(shape=st.sampled_from([(3, 3), (4, 2), (2, 5), (3, 2, 2), (2, 3, 4, 3)]), seed=st.integers(0, 10 ** 6),
       dtype=st.sampled_from(["float32", "float64", "complex64"]))
@settings(max_examples=12, deadline=None)
def test_svd_of_nan_matrix(call, shape, seed, dtype):
    rng = np.random.default_rng(seed)
    a = rng.random(shape).astype(dtype)
    flat = a.reshape(-1)
    for i in rng.choice(flat.size, size=int(rng.integers(1, 3)), replace=False):
        flat[i] = np.nan

    def f(m):
        try:
            call_fn = SVD_CALLS[call]
            call_fn(m, m.from_numpy(a.copy()))
        except RuntimeError as e:       # a RuntimeError, as kornia's `except RuntimeError` expects
            return ("RuntimeError", type(e).__name__, str(e), isinstance(e, m.linalg.LinAlgError))
        return "no error"
    _same(f)


def test_svd_of_finite_matrix_unchanged():
    a = np.random.default_rng(1).random((2, 3, 3))
    same_on_both(lambda m, x: m.linalg.svdvals(x), [a], rtol=1e-12, atol=1e-12)


# ---- torch._C._nn._parse_to, torch.torch --------------------------------------------------------------
PARSE_TO = [
    "(m.float64,), {}", "('cpu',), {}", "('cpu', m.float16), {}", "(m.ones(1, dtype=m.float64),), {}",
    "(), {'dtype': m.float32}", "(), {'device': 'cpu', 'non_blocking': True}", "('meta',), {}",
    "(), {'memory_format': m.channels_last}", "(m.device('cpu'),), {'copy': True}", "(1,), {}", "('xyz',), {}",
    "(m.float64, m.float32), {}", "(1.5,), {}", "(True,), {}", "(2j,), {}", "('cuda',), {}",
    "(), {'requires_grad': True}", "('cpu',), {'non_blocking': 1}", "(m.int8, True), {}",
    "(m.zeros(2, dtype=m.int32), True), {}", "(), {}",
]


@pytest.mark.parametrize("call", PARSE_TO)
def test_parse_to(call):
    def f(m):
        args, kwargs = eval(call, {"m": m})
        return repr(m._C._nn._parse_to(*args, **kwargs)).replace("glasstorch", "torch")
    _same(f)


def test_torch_torch_is_torch():
    _same(lambda m: (m.torch is m, m.torch.torch.linspace(0, 255, 4).tolist()))
