"""``torch.testing``: ``make_tensor`` (random test inputs, drawing from the global generator exactly as
torch does, so later draws stay in step) and ``assert_close`` (torch's tolerances and messages).

Closeness is ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with default (rtol, atol)
chosen by dtype: float16 (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7),
integers and bool exact.
"""
import collections.abc
import math
import os
import warnings

import glasstorch as torch

# torch.testing is a package; its private ``_internal`` (torch's own test helpers, imported by libraries'
# test suites) is served from ``glasstorch/_testing/`` as this module's subpackage
__path__ = [os.path.join(os.path.dirname(__file__), "_testing")]

_PRECISIONS = {"float16": (0.001, 1e-05), "bfloat16": (0.016, 1e-05), "float32": (1.3e-06, 1e-05),
               "float64": (1e-07, 1e-07), "complex64": (1.3e-06, 1e-05), "complex128": (1e-07, 1e-07)}


def _is_float(dtype):
    return dtype.is_floating_point or dtype.is_complex


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """Values uniform in [low, high) (defaults -9, 9 for floats, -9..9 for ints, 0..1 for bool)."""
    def modify_low_high(low, high, *, lowest_inclusive, highest_exclusive, default_low, default_high):
        low = low if low is not None else default_low
        high = high if high is not None else default_high
        if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
        elif low == high and _is_float(dtype):
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                          "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                          FutureWarning, stacklevel=3)
        elif low >= high:
            raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
        elif high < lowest_inclusive or low >= highest_exclusive:
            raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                             f"but {dtype} only supports [{lowest_inclusive}, {highest_exclusive})")
        low = min(max(low, lowest_inclusive), highest_exclusive)
        high = min(max(high, lowest_inclusive), highest_exclusive)
        if not _is_float(dtype):
            return math.ceil(low), math.ceil(high)
        return low, high

    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got {noncontiguous=} and {memory_format=}")
    if requires_grad and not _is_float(dtype):
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got {dtype=}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:   # twice as wide, then every other column: a view with a stride of 2
        shape = (*shape[:-1], 2 * shape[-1])
    if dtype is torch.bool:
        low, high = modify_low_high(low, high, lowest_inclusive=0, highest_exclusive=2, default_low=0,
                                    default_high=2)
        result = torch.randint(low, high, shape, device=device, dtype=dtype)
    elif not _is_float(dtype):
        info = torch.iinfo(dtype)
        low, high = modify_low_high(low, high, lowest_inclusive=info.min,
                                    highest_exclusive=info.max + (1 if dtype is not torch.int64 else 0),
                                    default_low=-9, default_high=10)
        result = torch.randint(low, high, shape, device=device, dtype=dtype)
    else:
        info = torch.finfo(dtype)
        low, high = modify_low_high(low, high, lowest_inclusive=info.min, highest_exclusive=info.max,
                                    default_low=-9, default_high=9)
        result = torch.empty(shape, device=device, dtype=dtype)
        target = torch.view_as_real(result) if dtype.is_complex else result
        if high - low >= info.max:   # uniform_ needs to - from to be finite: draw at half scale
            target.uniform_(low / 2, high / 2).mul_(2)
        else:
            target.uniform_(low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if not _is_float(dtype) else torch.finfo(dtype).tiny
    if _is_float(dtype):
        result.requires_grad = requires_grad
    return result


def _mismatch_msg(default_identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def diff_msg(kind, diff, idx, tol):
        msg = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
        return msg + ("" if equality else f" (up to {tol} allowed)") + "\n"
    msg = f"{default_identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    msg += diff_msg("absolute", abs_diff, abs_idx, atol) + diff_msg("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _unravel(flat, shape):
    out = []
    for size in tuple(shape)[::-1]:
        flat, mod = divmod(flat, size)
        out.append(mod)
    return tuple(out[::-1])


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_PRECISIONS.get(str(d).replace("torch.", ""), (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _keys_mismatch(actual, expected):
    """torch's error for two mappings whose keys differ (assert_close, and TestCase.assertEqual)."""
    return AssertionError(f"The keys of the mappings do not match:\n"
                          f"Missing keys in the actual mapping: {sorted(set(expected) - set(actual))}\n"
                          f"Additional keys in the actual mapping: {sorted(set(actual) - set(expected))}")


def _fail(msg, default):
    """torch's report: ``msg`` replaces the generated message; a callable ``msg`` rewrites it."""
    if callable(msg):
        return AssertionError(msg(default))
    return AssertionError(msg if msg is not None else default)


def _close_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, msg, check_stride=False):
    for attr in ("shape", "dtype") if check_dtype else ("shape",):
        a, e = getattr(actual, attr), getattr(expected, attr)
        if a != e:
            raise _fail(msg, f"The values for attribute '{attr}' do not match: {a} != {e}.")
    if check_stride and actual.stride() != expected.stride():
        raise _fail(msg, f"The values for attribute 'stride()' do not match: {actual.stride()} != "
                         f"{expected.stride()}.")
    rtol, atol = _tolerances((actual.dtype, expected.dtype), rtol, atol)
    actual, expected = actual.detach(), expected.detach()
    if actual.dtype != expected.dtype:
        common = torch.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    matches = torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if msg is not None and not callable(msg):
        raise AssertionError(msg)
    if actual.shape == torch.Size([]):
        raise _fail(msg, _scalar_msg(actual.item(), expected.item(), rtol, atol))
    n = matches.numel()
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    a, e, m = actual.flatten(), expected.flatten(), matches.flatten()
    if not _is_float(a.dtype):      # torch upcasts integers to int64 so the difference cannot overflow
        a, e = a.to(torch.int64), e.to(torch.int64)
    abs_diff = (a - e).abs()
    abs_diff[m] = 0
    max_abs, abs_i = torch.max(abs_diff, 0)
    rel_diff = abs_diff / e.abs()
    rel_diff[m] = 0
    max_rel, rel_i = torch.max(rel_diff, 0)
    raise _fail(msg, _mismatch_msg("Tensor-likes", extra, max_abs.item(), _unravel(int(abs_i), matches.shape),
                                       atol, max_rel.item(), _unravel(int(rel_i), matches.shape), rtol))


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, atol, rel_diff, None,
                         rtol)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` (tensors, numbers, or sequences/mappings of
    them) are close; sequences are compared item by item, the failing item named as torch names it."""
    def number(x):
        return isinstance(x, (bool, int, float, complex))
    if isinstance(actual, torch.Tensor) and isinstance(expected, torch.Tensor):
        if not allow_subclasses and type(actual) is not type(expected):
            raise TypeError(f"No comparison pair was able to handle inputs of type {_type_name(actual)} and "
                            f"{_type_name(expected)}.")
        return _close_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, msg, check_stride)
    if actual is None or expected is None:          # torch's NonePair: both None, or a mismatch
        if actual is not expected:
            raise _fail(msg, f"None mismatch: {actual} is not {expected}")
        return
    if isinstance(actual, bool) and isinstance(expected, bool):      # torch's BooleanPair
        if actual is not expected:
            raise _fail(msg, f"Booleans mismatch: {actual} is not {expected}")
        return
    if number(actual) and number(expected):
        if check_dtype and type(actual) is not type(expected):
            raise _fail(msg, f"The (d)types do not match: {type(actual)} != {type(expected)}.")
        kind = {bool: "bool", int: "int64", float: "float64", complex: "complex128"}[type(expected)]
        rt, at = _tolerances((kind,), rtol, atol)
        if actual == expected or abs(actual - expected) <= at + rt * abs(expected) or (
                equal_nan and actual != actual and expected != expected):
            return
        raise _fail(msg, _scalar_msg(actual, expected, rt, at))
    if isinstance(actual, collections.abc.Sequence) and isinstance(expected, collections.abc.Sequence) and not \
            isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            try:
                assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg,
                             check_stride=check_stride, allow_subclasses=allow_subclasses)
            except (AssertionError, TypeError) as err:
                # an unsupported pair's TypeError carries the item's path too, and ignores msg
                if isinstance(err, TypeError) and not str(err).startswith("No comparison pair"):
                    raise
                if msg is not None and isinstance(err, AssertionError):
                    raise
                raise type(err)(_at(err, i)) from None
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        if set(actual) != set(expected):
            raise _keys_mismatch(actual, expected)
        for k in expected:
            try:
                assert_close(actual[k], expected[k], rtol=rtol, atol=atol, equal_nan=equal_nan,
                             check_dtype=check_dtype, msg=msg, check_stride=check_stride,
                             allow_subclasses=allow_subclasses)
            except (AssertionError, TypeError) as err:
                # an unsupported pair's TypeError carries the item's path too, and ignores msg
                if isinstance(err, TypeError) and not str(err).startswith("No comparison pair"):
                    raise
                if msg is not None and isinstance(err, AssertionError):
                    raise
                raise type(err)(_at(err, repr(k))) from None
        return
    related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
    if related and (allow_subclasses or type(actual) is type(expected)):
        # torch's TensorLikePair: directly related non-tensors (numpy arrays) compared as torch.as_tensor
        try:
            a, e = torch.as_tensor(actual), torch.as_tensor(expected)
        except Exception:
            a = e = None
        if a is not None:
            return _close_tensors(a, e, rtol, atol, equal_nan, check_dtype, msg, check_stride)
    raise TypeError(f"No comparison pair was able to handle inputs of type {_type_name(actual)} and "
                    f"{_type_name(expected)}.")


def _at(err, key):
    """The message of a failure inside a container, with the item's path: ``['b'][0]``, outermost first."""
    marker = "\n\nThe failure occurred for item "
    if str(err).startswith("Booleans mismatch:"):    # torch reports a boolean mismatch without the path
        return str(err)
    head, found, path = str(err).partition(marker)
    return f"{head}{marker}[{key}]{path}"


def _type_name(x):
    """type(x) as torch prints it: glasstorch's own classes (Tensor, Parameter ...) under torch's names."""
    name = str(type(x))
    return name.replace("<class 'glasstorch.", "<class 'torch.", 1) if isinstance(x, torch.Tensor) else name


_ALLCLOSE_PRECISIONS = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated since torch 1.12: ``assert_close`` with its own float tolerances, any dtypes compared."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
                  "instructions in https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    if not isinstance(actual, torch.Tensor):
        actual = torch.tensor(actual)
    if not isinstance(expected, torch.Tensor):
        expected = torch.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_PRECISIONS.get(str(t.dtype).replace("torch.", ""), (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True, check_dtype=False,
                 check_stride=False, msg=msg or None)
