"""Parity of the image-side nn surface: interpolate's other modes, affine_grid / grid_sample, padding
modes and layers, pixel (un)shuffle, adaptive max pooling and unpooling, instance and local response
normalisation, the distance layers, and EmbeddingBag."""
import numpy as np
import pytest

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- interpolate ---------------------------------------------------------------------------------
INTERP = [
    dict(scale_factor=2, mode="nearest-exact"), dict(size=(3, 5), mode="nearest-exact"),
    dict(size=(5, 7), mode="bicubic", align_corners=False), dict(size=(5, 7), mode="bicubic", align_corners=True),
    dict(scale_factor=0.5, mode="bicubic"), dict(size=(2, 3), mode="area"), dict(size=3, mode="area"),
]


@pytest.mark.parametrize("k", range(len(INTERP)))
def test_interpolate_2d_modes(k):
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, **INTERP[k]), [arr((2, 3, 4, 6))], **TOL)


def test_interpolate_1d_3d_modes_and_errors():
    F = "nn.functional"
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, size=4, mode="area"), [arr((1, 2, 7))], **TOL)
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, scale_factor=1.5, mode="nearest-exact"),
                 [arr((1, 2, 5))])
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, size=(3, 4, 5), mode="trilinear"), [arr((1, 1, 2, 3, 2))],
                 **TOL)
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, scale_factor=2, mode="nearest"), [arr((1, 1, 2, 2, 2))])
    same_on_both(lambda t, x: t.nn.Upsample(scale_factor=2, mode="bicubic")(x), [arr((1, 1, 3, 3))], **TOL)
    same_error(lambda t: t.nn.functional.interpolate(t.ones(1, 1, 4), size=2, mode="bicubic"))
    same_error(lambda t: t.nn.functional.interpolate(t.ones(1, 1, 4, 4), size=2, mode="linear"))
    same_error(lambda t: t.nn.functional.interpolate(t.ones(1, 1, 4, 4, 4), size=2, mode="bilinear"))
    _ = F


AA = [dict(size=(5, 4)), dict(size=(5, 4), align_corners=True), dict(scale_factor=0.3), dict(size=(1, 1)),
      dict(scale_factor=(0.5, 0.75)), dict(size=(20, 30)), dict(size=(13, 4)), dict(size=(26, 5), align_corners=True),
      dict(scale_factor=0.4, recompute_scale_factor=True)]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("k", range(len(AA)))
def test_interpolate_antialias(mode, k):
    """antialias=True stretches the filter by the shrink factor (PIL-style); bicubic's cubic has A = -0.5."""
    same_on_both(lambda t, x: t.nn.functional.interpolate(x, mode=mode, antialias=True, **AA[k]),
                 [arr((2, 3, 13, 11))], rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("shape,mode", [((1, 1, 5), "linear"), ((1, 1, 5, 5), "nearest"), ((1, 1, 4, 4, 4), "trilinear"),
                                        ((1, 1, 5, 5), "area")])
def test_interpolate_antialias_errors(shape, mode):
    same_error(lambda t: t.nn.functional.interpolate(t.ones(shape), size=3, mode=mode, antialias=True))


# ---- affine_grid / grid_sample -------------------------------------------------------------------
def _theta(seed):
    return (np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32) + 0.3 * arr((2, 2, 3), seed))


@pytest.mark.parametrize("align", [False, True])
def test_affine_grid(align):
    same_on_both(lambda t, th: t.nn.functional.affine_grid(th, (2, 3, 4, 5), align_corners=align), [_theta(1)], **TOL)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample(mode, padding_mode, align):
    grid = arr((2, 3, 5, 2), 3) * 1.3
    same_on_both(lambda t, x, g: t.nn.functional.grid_sample(x, g, mode=mode, padding_mode=padding_mode,
                                                             align_corners=align),
                 [arr((2, 3, 4, 4), 2), grid], rtol=2e-6, atol=2e-6)


def test_grid_sample_through_affine_grid_and_errors():
    same_on_both(lambda t, x, th: t.nn.functional.grid_sample(
        x, t.nn.functional.affine_grid(th, (2, 1, 3, 3), align_corners=False), align_corners=False),
        [arr((2, 1, 4, 4), 4), _theta(5)], rtol=2e-6, atol=2e-6)
    same_error(lambda t: t.nn.functional.grid_sample(t.ones(1, 1, 2, 2), t.zeros(1, 2, 2, 2), mode="cubic"))
    same_error(lambda t: t.nn.functional.grid_sample(t.ones(1, 1, 2, 2), t.zeros(1, 2, 2, 2), padding_mode="wrap"))
    same_error(lambda t: t.nn.functional.affine_grid(t.zeros(1, 3, 3), (1, 1, 2, 2), align_corners=False))


# ---- padding -------------------------------------------------------------------------------------
PADS = [
    lambda t, x: t.nn.ReflectionPad2d(1)(x), lambda t, x: t.nn.ReplicationPad2d((1, 0, 2, 1))(x),
    lambda t, x: t.nn.ZeroPad2d((0, 1, 1, 0))(x), lambda t, x: t.nn.ConstantPad2d(1, -2.5)(x),
    lambda t, x: t.nn.CircularPad2d(1)(x), lambda t, x: t.nn.ReflectionPad1d(2)(x[0]),
    lambda t, x: t.nn.ReplicationPad1d((3, 1))(x[0]), lambda t, x: t.nn.ZeroPad1d(1)(x[0]),
    lambda t, x: t.nn.CircularPad1d((2, 1))(x[0]), lambda t, x: t.nn.ConstantPad1d((1, 2), 3.5)(x[0]),
    lambda t, x: t.nn.ReplicationPad3d(1)(x.unsqueeze(0)), lambda t, x: t.nn.functional.pad(x, (-1, 1, 1, -1), "reflect"),
    lambda t, x: t.nn.functional.pad(x, (2, 0), mode="circular"),
]


@pytest.mark.parametrize("k", range(len(PADS)))
def test_padding(k):
    same_on_both(PADS[k], [arr((2, 3, 4))])


def test_padding_reprs_and_errors():
    same_on_both(lambda t: [repr(m) for m in (t.nn.ReflectionPad2d(1), t.nn.ZeroPad2d((1, 0, 0, 1)),
                                             t.nn.ConstantPad1d(2, 3.5), t.nn.CircularPad3d(1),
                                             t.nn.ReplicationPad1d((1, 2)))], [])
    same_error(lambda t: t.nn.ReflectionPad2d(3)(t.ones(1, 1, 2, 2)))
    same_error(lambda t: t.nn.functional.pad(t.ones(1, 1, 2, 2), (3, 3, 0, 0), mode="circular"))
    same_error(lambda t: t.nn.functional.pad(t.ones(2, 2), (1, 1, 1, 1), mode="reflect"))
    same_error(lambda t: t.nn.ReflectionPad1d(1)(t.ones(3)))


# ---- pixel shuffle, adaptive max pooling, unpooling ----------------------------------------------
SHUFFLE = [
    lambda t, x: t.nn.functional.pixel_shuffle(x, 2), lambda t, x: t.nn.PixelShuffle(2)(x[0]),
    lambda t, x: t.nn.functional.pixel_unshuffle(x, 2), lambda t, x: t.nn.PixelUnshuffle(1)(x),
    lambda t, x: t.nn.functional.adaptive_max_pool2d(x, (3, 2)), lambda t, x: t.nn.AdaptiveMaxPool2d(1)(x),
    lambda t, x: t.nn.functional.adaptive_max_pool2d(x, (None, 3), return_indices=True),
    lambda t, x: t.nn.AdaptiveMaxPool2d((3, 3), return_indices=True)(x[0]),
    lambda t, x: t.nn.functional.adaptive_max_pool1d(x[0], 3, return_indices=True),
    lambda t, x: t.nn.AdaptiveMaxPool1d(2)(x[0]),
    lambda t, x: t.nn.functional.max_unpool2d(*t.nn.functional.max_pool2d(x, 2, return_indices=True), 2),
    lambda t, x: t.nn.MaxUnpool2d(2, stride=2)(*t.nn.functional.max_pool2d(x, 2, return_indices=True),
                                               output_size=(5, 5)),
]


@pytest.mark.parametrize("k", range(len(SHUFFLE)))
def test_shuffle_and_pooling(k):
    same_on_both(SHUFFLE[k], [arr((2, 4, 4, 4), 6)])


def test_shuffle_pool_reprs_and_errors():
    same_on_both(lambda t: [repr(m) for m in (t.nn.PixelShuffle(3), t.nn.PixelUnshuffle(2), t.nn.AdaptiveMaxPool2d(2),
                                             t.nn.AdaptiveMaxPool1d(3), t.nn.MaxUnpool2d(2))], [])
    same_error(lambda t: t.nn.functional.pixel_shuffle(t.ones(1, 3, 2, 2), 2))
    same_error(lambda t: t.nn.functional.pixel_unshuffle(t.ones(1, 1, 3, 2), 2))
    same_error(lambda t: t.nn.functional.pixel_shuffle(t.ones(3, 2), 2))


# ---- normalisation and distance layers ------------------------------------------------------------
NORMS = [
    lambda t, x: t.nn.InstanceNorm2d(3)(x), lambda t, x: t.nn.InstanceNorm2d(3, affine=True)(x),
    lambda t, x: t.nn.InstanceNorm1d(3)(x.flatten(2)), lambda t, x: t.nn.InstanceNorm2d(3)(x[0]),
    lambda t, x: t.nn.functional.instance_norm(x, eps=1e-3), lambda t, x: t.nn.LocalResponseNorm(2)(x),
    lambda t, x: t.nn.LocalResponseNorm(3, alpha=0.1, beta=0.5, k=2.0)(x.flatten(2)),
    lambda t, x: t.nn.functional.local_response_norm(x, 4),
    lambda t, x: t.nn.CosineSimilarity(dim=1)(x, x.flip(0)), lambda t, x: t.nn.PairwiseDistance(p=1.5)(x, x * 2),
    lambda t, x: t.nn.PairwiseDistance(keepdim=True)(x[0], x[1]),
]


@pytest.mark.parametrize("k", range(len(NORMS)))
def test_norm_and_distance_layers(k):
    same_on_both(NORMS[k], [arr((2, 3, 4, 5), 7)], **TOL)


def test_instance_norm_running_stats_and_reprs():
    def run(t, x):
        m = t.nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.3)
        y = m(x)
        m.eval()
        return y, m(x), m.running_mean, m.running_var
    same_on_both(run, [arr((4, 3, 6), 8)], **TOL)
    same_on_both(lambda t: [repr(m) for m in (t.nn.InstanceNorm2d(3), t.nn.InstanceNorm1d(2, affine=True),
                                             t.nn.LocalResponseNorm(2), t.nn.CosineSimilarity(),
                                             t.nn.PairwiseDistance())], [])
    same_error(lambda t: t.nn.InstanceNorm2d(3)(t.ones(3, 3)))
    same_error(lambda t: t.nn.LocalResponseNorm(2)(t.ones(3, 3)))


# ---- EmbeddingBag ----------------------------------------------------------------------------------
W = arr((12, 5), 9)
IDX = np.random.default_rng(10).permutation(12)[:9].astype(np.int64)
BAGS = [
    (np.array([0, 2, 2, 7]), dict(mode="mean")), (np.array([0, 2, 2, 7]), dict(mode="sum")),
    (np.array([0, 2, 2, 7]), dict(mode="max")), (np.array([0, 2, 5, 9]), dict(mode="mean", include_last_offset=True)),
    (np.array([0, 4]), dict(mode="mean", padding_idx=int(IDX[1]))),
    (np.array([0, 4]), dict(mode="max", padding_idx=int(IDX[1]))),
]


@pytest.mark.parametrize("k", range(len(BAGS)))
def test_embedding_bag(k):
    offs, kw = BAGS[k]
    same_on_both(lambda t, w: t.nn.functional.embedding_bag(t.from_numpy(IDX), w, t.from_numpy(offs), **kw), [W])


def test_embedding_bag_2d_weights_module_and_errors():
    idx2 = IDX.reshape(3, 3)
    same_on_both(lambda t, w: t.nn.functional.embedding_bag(t.from_numpy(idx2), w, mode="sum",
                                                            padding_idx=int(IDX[0])), [W])
    same_on_both(lambda t, w: t.nn.functional.embedding_bag(t.from_numpy(idx2), w), [W.astype(np.float64)])
    # the per-sample weights' gradient is a BLAS dot in torch, its summation order unknown: a tolerance
    psw = np.array([1.0, 2.0, -1.0, 0.5, 3.0, 1.0, -2.0, 1.0, 0.25], np.float32)
    same_on_both(lambda t, w, p: t.nn.functional.embedding_bag(t.from_numpy(IDX), w, t.tensor([0, 4]), mode="sum",
                                                               per_sample_weights=p), [W, psw],
                 grad_rtol=1e-6, grad_atol=1e-6)
    dup = np.array([1, 3, 1, 5, 3, 7, 9, 9], np.int64)      # each row twice at most: order-free sums
    same_on_both(lambda t, w: t.nn.functional.embedding_bag(t.from_numpy(dup), w, t.tensor([0, 3, 5]), mode="sum"),
                 [W])

    def module(t):
        t.manual_seed(0)
        bag = t.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2)
        pre = t.nn.EmbeddingBag.from_pretrained(bag.weight.detach() * 2, mode="sum", freeze=False)
        return repr(bag), repr(pre), bag.weight, pre.weight.requires_grad, bag(t.tensor([[1, 2], [2, 2]]))
    same_on_both(module, [])
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([[1, 2]]), t.ones(3, 2), t.tensor([0])))
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2]), t.ones(3, 2)))
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2]), t.ones(3, 2), t.tensor([0]), mode="avg"))
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2]), t.ones(3, 2), t.tensor([0]), mode="mean",
                                                       per_sample_weights=t.ones(2)))
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2]), t.ones(3, 2), t.tensor([1])))
