"""Parity pins for sweep29a (medical image segmentation programs: 2D/3D U-Nets, sliding-window
inference, Dice/Tversky/focal losses, connected components, MONAI-like transforms).

Fixed in glasstorch:
- the spatial ``nn.functional`` ops given a non-tensor input (an ndarray, a list, None) raise torch's
  error instead of "'X' object has no attribute '_data'": where torch's function is Python, the error
  of its first read of the input (``input.dim()`` in interpolate / upsample* / group_norm,
  ``input.size()`` in the adaptive poolings, max_unpool*, instance_norm and batch_norm with batch
  statistics -- an ndarray's ``size`` is an int: "'int' object is not callable" --,
  ``theta.is_floating_point()`` in affine_grid, ``input.is_cuda`` in max_pool3d with indices); else
  the argument parser's TypeError under the C++ op's name (unfold: ``im2col``, fold: ``col2im``,
  grid_sample: ``grid_sampler``, max_pool2d with indices: ``max_pool2d_with_indices``, conv3d's
  "invalid combination", conv_transpose*, pixel_(un)shuffle, avg_pool1d/2d/3d,
  adaptive_avg/max_pool1d), also through torch.conv3d & co, which are the same objects
  (nn/_ops/non_tensor_input.py, installed by nn/functional.py);
- ``F.interpolate`` / ``nn.Upsample`` take NumPy integers in ``size`` (a size read off an ndarray's
  shape), a NumPy integer scalar size, and a NumPy float scalar ``scale_factor``, as torch's
  ``_is_integer`` does (which also counts bool and integer tensors); they were a TypeError
  (nn/_ops/interp_args.py, nn/_ops/upsample.py);
- ``nn.Conv*d`` / ``nn.ConvTranspose*d`` and ``F.unfold`` / ``F.fold`` / ``F.conv*`` take NumPy integer
  kernel sizes, strides and paddings (the modules keep them as given, as torch's ``_ntuple``, so the
  repr shows ``np.int64(3)``) (nn/modules/conv.py, nn/_ops/conv.py, nn/_ops/fold.py);
- the adaptive poolings' "object of type 'numpy.int64' has no len()" names the type as Python does
  (nn/_ops/pool_checks.py);
- ``F.max_pool1d/2d/3d`` and ``F.avg_pool1d/2d/3d`` (and their modules, and torch.avg_pool1d) parse their
  sizes and flags as torch's argument parser does: a float or None kernel size, a float stride, a
  str ceil_mode, a float divisor_override, a bool kernel size are torch's TypeError ("must be tuple of
  ints, not float", "failed to unpack the object at pos 3 ..."; numbered as the positional call
  torch's Python makes for max_pool, as given for avg_pool) instead of being taken; an integer
  tensor or NumPy integer kernel size is taken (it was "iteration over a 0-d tensor"); likewise
  ``F.unfold`` / ``F.fold`` (torch's ``im2col`` / ``col2im`` on ``_pair``-ed sizes: "must be tuple of
  ints, but found element of type float at pos 0") and ``F.pixel_shuffle`` / ``F.pixel_unshuffle``
  ("argument 'upscale_factor' (position 2) must be int, not float") (nn/_ops/spatial_arg_parse.py);
- ``torch.cpu.amp.GradScaler`` exists: the deprecated spelling of ``torch.amp.GradScaler("cpu")``, with
  torch's FutureWarning and class path (amp/_legacy.py, _class_paths.py).
"""
import io
import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import eval_outcome, same_error, same_on_both, same_outcome

MODS = (torch, glasstorch)

# ---- non-tensor inputs --------------------------------------------------------------------------
NON_TENSOR_CALLS = [
    "F.interpolate(X, scale_factor=2)",
    "F.interpolate(X, size=(3, 3), mode='bilinear', align_corners=False)",
    "F.upsample(X, scale_factor=2)",
    "F.upsample_nearest(X, scale_factor=2)",
    "F.upsample_bilinear(X, scale_factor=2)",
    "nn.Upsample(scale_factor=2, mode='trilinear')(X)",
    "F.group_norm(X, 1)",
    "nn.GroupNorm(1, 1)(X)",
    "F.affine_grid(X, (1, 1, 2, 2), align_corners=False)",
    "F.grid_sample(X, t.rand(1, 2, 2, 2), align_corners=True)",
    "F.grid_sample(t.rand(1, 1, 2, 2), X, align_corners=False)",
    "F.unfold(X, 2)",
    "nn.Unfold(2)(X)",
    "F.fold(X, (2, 2), 2)",
    "F.adaptive_avg_pool2d(X, 1)",
    "F.adaptive_avg_pool3d(X, (1, 1, 1))",
    "F.adaptive_max_pool2d(X, 1)",
    "F.adaptive_max_pool3d(X, 1, return_indices=True)",
    "F.adaptive_max_pool1d(X, 1)",
    "F.adaptive_avg_pool1d(X, 1)",
    "nn.AdaptiveAvgPool3d(1)(X)",
    "F.max_pool1d(X, 2)",
    "F.max_pool1d(X, 2, return_indices=True)",
    "F.max_pool2d(X, 2, return_indices=True)",
    "F.max_pool3d(X, 2)",
    "F.max_pool3d(X, 2, return_indices=True)",
    "F.max_pool2d_with_indices(X, 2)",
    "nn.MaxPool3d(2)(X)",
    "F.avg_pool1d(X, 2)",
    "F.avg_pool2d(X, 2)",
    "F.avg_pool3d(X, 2)",
    "nn.AvgPool3d(2)(X)",
    "F.max_unpool1d(X, t.zeros(1, 1, 2, dtype=t.long), 2)",
    "F.max_unpool2d(X, t.zeros(1, 1, 2, 2, dtype=t.long), 2)",
    "F.max_unpool3d(X, t.zeros(1, 1, 2, 2, 2, dtype=t.long), 2)",
    "F.max_unpool2d(t.ones(1, 1, 2, 2), X, 2)",
    "F.max_unpool1d(t.ones(1, 1, 2), X, 2)",
    "F.instance_norm(X)",
    "F.instance_norm(X, use_input_stats=False)",
    "nn.InstanceNorm3d(1)(X)",
    "F.batch_norm(X, None, None, training=True)",
    "F.batch_norm(X, t.zeros(1), t.ones(1))",
    "nn.BatchNorm3d(1)(X)",
    "nn.BatchNorm3d(1).eval()(X)",
    "F.conv3d(X, t.ones(1, 1, 1, 1, 1))",
    "t.conv3d(X, t.ones(1, 1, 1, 1, 1), padding='same')",
    "nn.Conv3d(1, 1, 1)(X)",
    "F.conv_transpose1d(X, t.ones(1, 1, 1))",
    "F.conv_transpose2d(t.ones(1, 1, 2, 2), X)",
    "t.conv_transpose3d(X, t.ones(1, 1, 1, 1, 1))",
    "nn.ConvTranspose3d(1, 1, 2, stride=2)(X)",
    "F.pixel_shuffle(X, 2)",
    "t.pixel_unshuffle(X, 2)",
    "t.avg_pool1d(X, 2)",
    "t.adaptive_avg_pool1d(X, 1)",
]
NON_TENSORS = {
    "ndarray": lambda: np.ones((1, 1, 2, 2, 2)),
    "list": lambda: [1.0, 2.0],
    "none": lambda: None,
    "tuple": lambda: (1, 2),
    "float": lambda: 2.5,
}


def _outcome(m, expr, x):
    env = {"t": m, "nn": m.nn, "F": m.nn.functional, "np": np, "X": x}
    out, warns = eval_outcome(expr, env)
    return out.replace("glasstorch", "torch"), warns


@pytest.mark.parametrize("kind", sorted(NON_TENSORS))
@pytest.mark.parametrize("expr", NON_TENSOR_CALLS)
def test_non_tensor_input_raises_torchs_error(expr, kind):
    want = _outcome(torch, expr, NON_TENSORS[kind]())
    got = _outcome(glasstorch, expr, NON_TENSORS[kind]())
    assert want[0].split(":")[0].endswith("Error"), want     # torch does refuse it
    assert got == want                                       # the same error, and the same warnings first


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(NON_TENSOR_CALLS),
       st.one_of(st.lists(st.floats(-2, 2), max_size=3), st.integers(-3, 3),
                 st.lists(st.integers(1, 3), min_size=1, max_size=5).map(lambda s: np.zeros(s, np.float32))))
def test_non_tensor_input_hypothesis(expr, x):
    assert _outcome(glasstorch, expr, x) == _outcome(torch, expr, x)


def test_shared_ops_stay_one_object():
    # torch.conv3d is F.conv3d (both builtins); F.interpolate keeps its name and module-level docs
    for m in MODS:
        F = m.nn.functional
        assert m.conv3d is F.conv3d and m.pixel_shuffle is F.pixel_shuffle and m.avg_pool1d is F.avg_pool1d
        assert F.interpolate.__name__ == "interpolate" and F.grid_sample.__name__ == "grid_sample"
        assert F.avg_pool2d is not m.nn.functional.avg_pool3d


def test_tensor_inputs_unchanged_through_the_guard():
    def fn(m, x):
        F = m.nn.functional
        y = F.interpolate(x, scale_factor=2, mode="trilinear", align_corners=False)
        p, idx = F.max_pool3d(y, 2, return_indices=True)
        u = F.max_unpool3d(p, idx, 2)
        g = F.group_norm(u, 1) + F.instance_norm(u)
        cols = F.unfold(g[:, :, 0], 2)
        back = F.fold(cols, g.shape[-2:], 2)
        grid = F.affine_grid(m.eye(3, 4, dtype=x.dtype)[None] * 0.9, list(y.shape), align_corners=False)
        s = F.grid_sample(y, grid, align_corners=False)
        a = F.adaptive_avg_pool3d(s, (1, 2, 2)) + F.avg_pool3d(s, 2).mean()
        return back, a
    same_on_both(fn, [np.random.default_rng(0).random((1, 1, 2, 3, 4))])


def test_wrong_argument_after_a_tensor_input_still_refused_as_before():
    # the guard only speaks for a non-tensor input: other errors are glasstorch's own, as torch's
    for expr in ["F.interpolate(t.rand(1, 1, 4, 4), size=(3, 3, 3))",
                 "F.grid_sample(t.rand(1, 1, 4, 4), t.rand(1, 3, 3, 2), mode='bogus')",
                 "F.grid_sample(np.ones((1, 1, 2, 2)), np.ones((1, 2, 2, 2)), mode='bogus')",
                 "F.group_norm(t.rand(1, 4, 2), 3)",
                 "F.max_unpool2d(t.rand(1, 1, 2, 2), t.zeros(1, 1, 2, 2, dtype=t.long), 2, output_size=(9, 9))",
                 "F.adaptive_avg_pool2d(t.rand(1, 1, 4, 4), np.int64(2))",
                 "F.adaptive_max_pool3d(t.rand(1, 1, 4, 4, 4), np.int32(2))",
                 "F.unfold(t.rand(1, 1, 4, 4), (2, 2, 2))"]:
        assert _outcome(glasstorch, expr, None) == _outcome(torch, expr, None), expr


# ---- NumPy integers as sizes ---------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "F.interpolate(x, size=(np.int64(3), np.int64(5)))",
    "F.interpolate(x, size=np.int64(3), mode='bilinear', align_corners=True)",
    "F.interpolate(x, size=[np.int32(3), 5], mode='bicubic', align_corners=False)",
    "F.interpolate(x, size=tuple(np.array([3, 3])), mode='bilinear', antialias=True)",
    "F.interpolate(x, size=tuple(np.array([2, 7])), mode='area')",
    "F.interpolate(x, size=(t.tensor(3), np.int16(2)), mode='nearest-exact')",
    "F.interpolate(x, scale_factor=np.float32(1.5), mode='bilinear')",
    "F.interpolate(x, scale_factor=np.int64(2))",
    "F.interpolate(x, scale_factor=(np.int64(2), 1.5), mode='bilinear')",
    "nn.Upsample(size=tuple(np.array([3, 5])), mode='bilinear')(x)",
    "F.unfold(x, np.int64(2), stride=np.int64(2))",
    "F.fold(F.unfold(x, 2), tuple(np.array([4, 4])), np.int64(2))",
    "F.conv2d(x, t.ones(2, 1, 2, 2, dtype=x.dtype), padding=np.int64(1), stride=(np.int64(2), 1))",
    "F.conv_transpose2d(x, t.ones(1, 2, 2, 2, dtype=x.dtype), stride=np.int64(2))",
])
def test_numpy_integer_sizes(expr):
    def fn(m, x):
        return eval(expr, {"t": m, "nn": m.nn, "F": m.nn.functional, "np": np, "x": x})
    # (values exact; conv_transpose2d's input gradient differs in the last bit with plain ints too)
    same_on_both(fn, [np.random.default_rng(1).random((1, 1, 4, 4))], grad_rtol=1e-13, grad_atol=1e-13)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=3, max_size=3),
       st.sampled_from(["nearest", "trilinear", "area", "nearest-exact"]),
       st.sampled_from([np.int64, np.int32, np.uint8, int]))
def test_numpy_integer_sizes_hypothesis(size, mode, typ):
    def fn(m, x):
        return m.nn.functional.interpolate(x, size=tuple(typ(v) for v in size), mode=mode)
    same_on_both(fn, [np.random.default_rng(2).random((1, 2, 3, 4, 2))])


def test_conv_modules_with_numpy_integer_arguments():
    def fn(m):
        m.manual_seed(0)
        c = m.nn.Conv3d(1, 2, np.int64(3), padding=np.int64(1), stride=(1, np.int64(2), 1))
        ct = m.nn.ConvTranspose2d(1, 2, np.int64(2), stride=np.int64(2))
        x = m.rand(1, 1, 4, 4, 4)
        return repr(c), repr(ct), c(x), ct(x[:, :, 0]), c.kernel_size, ct.stride
    same_outcome(fn, rtol=1e-6, atol=1e-7)      # (float32 convolutions: summation order, as with ints)


def test_grad_through_interpolate_with_numpy_size():
    def fn(m, x):
        return m.nn.functional.interpolate(x, size=tuple(np.array([5, 3, 2])), mode="trilinear")
    same_on_both(fn, [np.random.default_rng(3).random((1, 1, 2, 3, 4))])
    x = glasstorch.rand(1, 1, 2, 3, 4, dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(
        lambda v: glasstorch.nn.functional.interpolate(v, size=tuple(np.array([3, 2, 5])), mode="trilinear"), (x,))


# ---- pooling arguments as torch's parser reads them ------------------------------------------------
POOL_CALLS = [
    "F.max_pool2d(x, 2.0)", "F.max_pool2d(x, None)", "F.max_pool2d(x, (2, None))", "F.max_pool2d(x, True)",
    "F.max_pool2d(x, t.tensor(2))", "F.max_pool2d(x, (t.tensor(2), np.int64(1)))", "F.max_pool2d(x, 2, ceil_mode='a')",
    "F.max_pool2d(x, 2, 2, 0, 1, 'a')", "F.max_pool2d(x, 2, stride='x')", "F.max_pool2d(x, 2, stride=[])",
    "F.max_pool2d(x, (2,))", "F.max_pool2d(x, 2, dilation=(1.0, 1))",
    "F.max_pool2d(x, 2, return_indices=True, padding=0.5)",
    "F.max_pool3d(x3, 2.0)", "F.max_pool3d(x3, (2, 2, 2.0))", "F.max_pool3d(x3, 2, return_indices=True, stride=1.5)",
    "F.max_pool3d(np.ones((1, 1, 2, 2, 2)), 2.5, return_indices=True)", "F.max_pool3d(x3, 'a')",
    "F.max_pool1d(x1, 2.0)", "F.max_pool1d(x1, 2, return_indices=True, padding='a')",
    "F.max_pool1d(x1, (np.int64(2),), stride=t.tensor(1))",
    "F.avg_pool2d(x, 2.0)", "F.avg_pool2d(x, 2, stride=1.0)", "F.avg_pool2d(x, 2, 1.0)", "F.avg_pool2d(x, (2, 'a'))",
    "F.avg_pool2d(x, 2, ceil_mode='a')", "F.avg_pool2d(x, 2, divisor_override=1.5)",
    "F.avg_pool2d(input=x, kernel_size=2.5)", "F.avg_pool3d(x3, 2.5)", "F.avg_pool3d(x3, 2, divisor_override=True)",
    "F.avg_pool3d(x3, (2, t.tensor(2), np.int32(1)), divisor_override=np.int64(3))",
    "F.avg_pool1d(x1, 2.0)", "F.avg_pool1d(x1, 2, count_include_pad=0)",
    "F.avg_pool1d(x1, t.tensor(2), padding=np.int64(1))",
    "t.avg_pool1d(x1, 2.0)", "nn.MaxPool3d(2.0)(x3)", "nn.AvgPool2d(2.0)(x)", "nn.AvgPool3d(2, stride=(1, 1, 1.0))(x3)",
    "nn.MaxPool1d(np.int64(2))(x1)", "nn.MaxPool2d(2, return_indices=True)(x)",
]


POOL_CALLS += [
    "F.unfold(x, 'a')", "F.unfold(x, 2.0)", "F.unfold(x, 2, stride=2.0)", "F.unfold(x, (2,))", "F.unfold(x, (2, 2, 2))",
    "F.unfold(x, t.tensor(2))", "F.unfold(x, (t.tensor(2), np.int64(1)), padding=np.int64(1))",
    "F.unfold(x, 2, dilation=None)", "F.unfold(x, True)", "nn.Unfold(2.0)(x)",
    "F.fold(f, (3.0, 3), 2)", "F.fold(f, 3, 2.0)", "F.fold(f, t.tensor(3), (np.int64(2), 2))",
    "F.fold(f.expand(1, 4, 9), 4, 2, stride=1, padding=(0,))", "nn.Fold(3, 2.0)(f)",
    "F.pixel_shuffle(s, 2.0)", "F.pixel_shuffle(s, upscale_factor=True)", "F.pixel_shuffle(s, np.int64(2))",
    "F.pixel_shuffle(s, t.tensor(2))", "F.pixel_shuffle(s, 2, 3)", "F.pixel_shuffle(input=s, upscale_factor=2)",
    "F.pixel_shuffle(s)", "F.pixel_unshuffle(x, 2.0)", "F.pixel_unshuffle(x, downscale_factor=np.int32(2))",
    "t.pixel_shuffle(s, 'a')", "nn.PixelShuffle(2.0)(s)",
]


@pytest.mark.parametrize("expr", POOL_CALLS)
def test_pool_arguments_parsed_as_torch(expr):
    def fn(m):
        m.manual_seed(0)
        env = {"t": m, "nn": m.nn, "F": m.nn.functional, "np": np,
               "x": m.rand(1, 2, 4, 4), "x3": m.rand(1, 1, 4, 4, 4), "x1": m.rand(1, 1, 4), "f": m.rand(1, 4, 4),
               "s": m.rand(1, 4, 2, 2)}
        out = eval(expr, env)
        return out if isinstance(out, tuple) else (out,)
    same_outcome(fn)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["max_pool2d", "avg_pool2d", "max_pool3d", "avg_pool3d"]),
       st.one_of(st.integers(1, 2), st.floats(1, 2), st.booleans(), st.none(),
                 st.lists(st.one_of(st.integers(1, 2), st.floats(1, 2)), min_size=1, max_size=3)),
       st.one_of(st.none(), st.integers(1, 2), st.floats(1, 2), st.lists(st.integers(1, 2), max_size=3)),
       st.one_of(st.booleans(), st.integers(0, 1), st.text(max_size=1)))
def test_pool_arguments_hypothesis(name, kernel, stride, ceil_mode):
    def fn(m):
        x = m.arange(64.0).reshape(1, 1, 4, 4, 4)[..., 0, :, :] if name.endswith("2d") else \
            m.arange(64.0).reshape(1, 1, 4, 4, 4)
        return getattr(m.nn.functional, name)(x, kernel, stride=stride, ceil_mode=ceil_mode)
    same_outcome(fn)


def test_pool_gradients_with_tensor_kernel_size():
    def fn(m, x):
        F = m.nn.functional
        y = F.max_pool2d(x, m.tensor(2)) + F.avg_pool2d(x, (np.int64(2), 2), stride=m.tensor(2))
        return y, F.fold(F.unfold(x, np.int64(2)), np.int64(4), (2, np.int64(2))), F.pixel_shuffle(x, np.int64(1))
    same_on_both(fn, [np.random.default_rng(4).random((1, 2, 4, 4))])


# ---- torch.cpu.amp.GradScaler --------------------------------------------------------------------
def test_cpu_amp_grad_scaler():
    out = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s = m.cpu.amp.GradScaler(init_scale=8.0, growth_interval=3)
            off = m.cpu.amp.GradScaler(enabled=False)
        r = pickle.loads(pickle.dumps(s))
        buf = io.BytesIO()
        m.save(s.state_dict(), buf)
        out.append((str(type(s)).replace("glasstorch", "torch"), type(s).__name__,
                    [(x.category.__name__, str(x.message)) for x in w], s.get_scale(), s.is_enabled(),
                    isinstance(s, m.amp.GradScaler), r.get_scale(), sorted(s.state_dict()),
                    s.scale(m.tensor(2.0)).item(), type(off).__mro__[1].__name__, off.is_enabled()))
    assert out[0] == out[1]


def test_cpu_amp_grad_scaler_step():
    def fn(m):
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = m.cpu.amp.GradScaler(init_scale=4.0)
        lin = m.nn.Linear(3, 1)
        opt = m.optim.SGD(lin.parameters(), lr=0.1)
        loss = lin(m.ones(2, 3)).pow(2).mean()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        return lin.weight.detach(), m.tensor(scaler.get_scale())
    same_outcome(fn)


@pytest.mark.parametrize("expr", ["t.cpu.amp.GradScaler(bogus=1)", "t.cuda.amp.GradScaler(bogus=1)",
                                  "t.cpu.amp.GradScaler(1.0, 2.0, 0.5, 10, True, 3)"])
def test_legacy_amp_bad_argument(expr):
    def fn(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eval(expr, {"t": m})
    same_error(fn)
