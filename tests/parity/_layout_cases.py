"""Ops x input layouts for the stride-parity test (tests/parity/test_layout_strides.py).

Each layout builds the same float32 values on either library with a given memory layout; each op is a
one-lambda ``f(m, x)`` that works on any rank (dims picked from ``x.dim()``).  Random ops seed first.
"""

LAYOUTS = {
    "contig": lambda m: m.arange(12.).reshape(3, 4) - 5,
    "t2": lambda m: (m.arange(12.).reshape(3, 4) - 5).t(),
    "p3": lambda m: (m.arange(24.).reshape(2, 3, 4) - 11).permute(2, 0, 1),
    "p3b": lambda m: (m.arange(24.).reshape(2, 3, 4) - 11).permute(1, 2, 0),
    "step": lambda m: (m.arange(40.).reshape(5, 8) - 17)[::2, 1::3],
    "expand": lambda m: (m.arange(4.).reshape(4, 1) - 2).expand(4, 3),
    "expand3": lambda m: (m.arange(6.).reshape(2, 1, 3) - 2).expand(2, 4, 3),
    "cl4": lambda m: (m.arange(48.).reshape(2, 3, 2, 4) - 20).contiguous(memory_format=m.channels_last),
    "one": lambda m: (m.arange(12.).reshape(3, 1, 4) - 5).permute(2, 1, 0),
    "row1": lambda m: (m.arange(12.).reshape(3, 4) - 5)[:, :1].t(),
    "zero_d": lambda m: m.tensor(-1.5),
    "empty": lambda m: m.empty(0, 3).t(),
}


def _d(x, k=-1):
    """dim ``k`` if x has dims, else 0 (0-d tensors accept dim 0 / -1)."""
    return k if x.dim() else 0


def _last(x):
    return x.shape[-1] if x.dim() else 1


F = lambda m: m.nn.functional      # noqa: E731


OPS = {
    # pointwise unary / binary (TensorIterator)
    "neg": lambda m, x: -x, "abs": lambda m, x: x.abs(), "exp": lambda m, x: x.exp(), "sin": lambda m, x: x.sin(),
    "sigmoid": lambda m, x: x.sigmoid(), "round": lambda m, x: x.round(), "sign": lambda m, x: x.sign(),
    "pow2": lambda m, x: x ** 2, "add_scalar": lambda m, x: x + 1, "add_self": lambda m, x: x + x,
    "add_contig": lambda m, x: x + x.contiguous(), "add_contig_first": lambda m, x: x.contiguous() + x,
    "mul_row": lambda m, x: x * m.ones(_last(x)), "add_col": lambda m, x: x + m.ones(*x.shape[:-1], 1) if x.dim() else x + 1,
    "div": lambda m, x: x / 3, "fmod": lambda m, x: x.fmod(2.), "copysign": lambda m, x: x.copysign(-1.),
    "heaviside": lambda m, x: x.heaviside(x), "atan2": lambda m, x: m.atan2(x, x + 1), "maximum": lambda m, x: m.maximum(x, x.contiguous()),
    "to_double": lambda m, x: x.double(), "to_int": lambda m, x: x.int(), "nan_to_num": lambda m, x: x.nan_to_num(),
    "addcmul": lambda m, x: m.addcmul(x, x, x), "lerp": lambda m, x: m.lerp(x, x, 0.3),
    "gt": lambda m, x: x > 0, "eq_t": lambda m, x: x == x.contiguous(), "isnan": lambda m, x: x.isnan(),
    "logical_not": lambda m, x: x.logical_not(), "where": lambda m, x: m.where(x > 0, x, 0.),
    "where3": lambda m, x: m.where(x > 0, x, -x), "clamp": lambda m, x: x.clamp(-1, 1),
    "clamp_t": lambda m, x: x.clamp(min=x.contiguous() * 0), "clone": lambda m, x: x.clone(),
    "contiguous": lambda m, x: x.contiguous(), "zeros_like": lambda m, x: m.zeros_like(x),
    "empty_like": lambda m, x: m.empty_like(x), "full_like": lambda m, x: m.full_like(x, 2),
    "ones_like_c": lambda m, x: m.ones_like(x, memory_format=m.contiguous_format),
    # reductions
    "sum": lambda m, x: x.sum(), "sum0": lambda m, x: x.sum(0), "sum0k": lambda m, x: x.sum(0, keepdim=True),
    "sumlk": lambda m, x: x.sum(_d(x), keepdim=True), "meanlk": lambda m, x: x.mean(_d(x), keepdim=True),
    "amaxk": lambda m, x: x.amax(0, keepdim=True), "max_dim": lambda m, x: x.max(_d(x), True)[0],
    "argmax_k": lambda m, x: x.argmax(_d(x), True), "std_k": lambda m, x: x.std(0, keepdim=True),
    "var_mean": lambda m, x: m.var_mean(x, _d(x), keepdim=True)[0], "norm_k": lambda m, x: x.norm(dim=_d(x), keepdim=True),
    "prod_k": lambda m, x: x.prod(0, keepdim=True), "logsumexp_k": lambda m, x: x.logsumexp(_d(x), keepdim=True),
    "any_k": lambda m, x: (x > 0).any(_d(x), keepdim=True),
    # cumulative
    "cumsum0": lambda m, x: x.cumsum(0), "cumsuml": lambda m, x: x.cumsum(_d(x)), "cumprod": lambda m, x: x.cumprod(0),
    "cummax": lambda m, x: x.cummax(_d(x))[0], "cummax_i": lambda m, x: x.cummax(_d(x))[1],
    "cummin": lambda m, x: x.cummin(0)[0], "logcumsumexp": lambda m, x: x.logcumsumexp(_d(x)),
    # sorting / selection
    "sort": lambda m, x: x.sort(_d(x))[0], "sort_i": lambda m, x: x.sort(0)[1], "argsort": lambda m, x: x.argsort(0),
    "sort_stable": lambda m, x: x.sort(stable=True, dim=_d(x))[0],
    "topk": lambda m, x: x.topk(1, 0)[0], "topk_i": lambda m, x: x.topk(1, _d(x))[1],
    "kthvalue_k": lambda m, x: x.kthvalue(1, _d(x), True)[0], "median_k": lambda m, x: x.median(0, True)[0],
    "mode_k": lambda m, x: x.mode(_d(x), True)[0], "msort": lambda m, x: x.msort(),
    # indexing / index_* / scatter / gather / masked
    "index_fill": lambda m, x: x.index_fill(0, m.tensor([0]), -1.),
    "index_select": lambda m, x: x.index_select(0, m.tensor([0])),
    "index_add": lambda m, x: x.index_add(0, m.tensor([0]), x[:1] if x.dim() else x),
    "index_copy": lambda m, x: x.index_copy(0, m.tensor([0]), x[:1] if x.dim() else x),
    "index_put": lambda m, x: x.index_put((m.tensor([0]),), m.tensor(1.)),
    "getitem_list": lambda m, x: x[[0]], "getitem_mask": lambda m, x: x[x > 0],
    "scatter": lambda m, x: x.scatter(0, m.zeros_like(x, dtype=m.long), 9.),
    "scatter_add": lambda m, x: x.scatter_add(0, m.zeros_like(x, dtype=m.long), x),
    "gather": lambda m, x: x.gather(0, m.zeros_like(x, dtype=m.long)),
    "masked_fill": lambda m, x: x.masked_fill(x > 0, 0.), "masked_select": lambda m, x: x.masked_select(x > 0),
    "masked_scatter": lambda m, x: x.masked_scatter(x > 0, m.zeros(x.numel())),
    # shape-making
    "cat": lambda m, x: m.cat([x, x]), "cat_last": lambda m, x: m.cat([x, x], _d(x)), "stack": lambda m, x: m.stack([x, x]),
    "roll": lambda m, x: x.roll(1, 0), "roll_flat": lambda m, x: x.roll(1), "flip": lambda m, x: x.flip(0),
    "rot90": lambda m, x: x.rot90(), "tril": lambda m, x: x.tril(), "triu": lambda m, x: x.triu(1),
    "repeat": lambda m, x: x.repeat(*([1] * x.dim())), "repeat_interleave": lambda m, x: x.repeat_interleave(1, 0),
    "diff": lambda m, x: x.diff(dim=0), "matmul": lambda m, x: x @ m.ones(_last(x), 2),
    "reshape_flat": lambda m, x: x.reshape(-1), "pad": lambda m, x: F(m).pad(x, (1, 1)),
    "renorm": lambda m, x: x.renorm(2, 0, 1.),
    # activations / softmax / normalisation / dropout
    "relu": lambda m, x: m.relu(x), "gelu": lambda m, x: F(m).gelu(x), "silu": lambda m, x: F(m).silu(x),
    "elu": lambda m, x: F(m).elu(x), "leaky": lambda m, x: F(m).leaky_relu(x), "hardtanh": lambda m, x: F(m).hardtanh(x),
    "softplus": lambda m, x: F(m).softplus(x), "threshold": lambda m, x: F(m).threshold(x, 1., 0.),
    "prelu": lambda m, x: F(m).prelu(x, m.tensor([0.25])), "glu": lambda m, x: F(m).glu(x, 0),
    "softmax0": lambda m, x: x.softmax(0), "softmaxl": lambda m, x: x.softmax(_d(x)),
    "log_softmax": lambda m, x: x.log_softmax(_d(x)), "softmin": lambda m, x: F(m).softmin(x, 0),
    "normalize": lambda m, x: F(m).normalize(x, dim=_d(x)),
    "layer_norm": lambda m, x: F(m).layer_norm(x, x.shape[-1:]),
    "batch_norm_train": lambda m, x: F(m).batch_norm(x, None, None, training=True),
    "batch_norm_eval": lambda m, x: F(m).batch_norm(x, m.zeros(x.shape[1]), m.ones(x.shape[1])),
    "group_norm": lambda m, x: F(m).group_norm(x, 1),
    "dropout_eval": lambda m, x: F(m).dropout(x, 0.5, False), "dropout_train": lambda m, x: F(m).dropout(x, 0.5, True),
    # random like / in-place
    "rand_like": lambda m, x: m.rand_like(x), "randn_like": lambda m, x: m.randn_like(x),
    "bernoulli": lambda m, x: (x.abs() / 40).bernoulli(), "bernoulli_": lambda m, x: x.clone().bernoulli_(0.5),
    "uniform_": lambda m, x: x.clone().uniform_(), "normal_": lambda m, x: x.clone().normal_(),
}

OPS.update({
    # more pointwise, losses, reductions and random ops
    "tanh": lambda m, x: x.tanh(), "expm1": lambda m, x: x.expm1(), "reciprocal": lambda m, x: x.reciprocal(),
    "rsqrt": lambda m, x: x.abs().rsqrt(), "log1p": lambda m, x: x.abs().log1p(), "erf": lambda m, x: x.erf(),
    "floor_divide": lambda m, x: x.floor_divide(3), "remainder": lambda m, x: x.remainder(3),
    "addcdiv": lambda m, x: m.addcdiv(x, x, x.abs() + 1), "lerp_t": lambda m, x: m.lerp(x, x.contiguous(), x.abs() / 20),
    "relu6": lambda m, x: F(m).relu6(x), "hardswish": lambda m, x: F(m).hardswish(x), "mish": lambda m, x: F(m).mish(x),
    "selu": lambda m, x: F(m).selu(x), "celu": lambda m, x: F(m).celu(x), "hardsigmoid": lambda m, x: F(m).hardsigmoid(x),
    "logsigmoid": lambda m, x: F(m).logsigmoid(x), "tanhshrink": lambda m, x: F(m).tanhshrink(x), "softsign": lambda m, x: F(m).softsign(x),
    "clamp_min": lambda m, x: x.clamp_min(0.), "minimum": lambda m, x: m.minimum(x.contiguous(), x),
    "argmin": lambda m, x: x.argmin(_d(x)), "min_dim": lambda m, x: x.min(0)[1], "nansum": lambda m, x: x.nansum(0),
    "count_nonzero": lambda m, x: x.count_nonzero(0) if x.dim() else x.count_nonzero(), "isclose": lambda m, x: m.isclose(x, x),
    "take_along_dim": lambda m, x: m.take_along_dim(x, m.zeros_like(x, dtype=m.long), _d(x)),
    "scatter_reduce": lambda m, x: x.scatter_reduce(0, m.zeros_like(x, dtype=m.long), x, "sum"),
    "flatten": lambda m, x: x.flatten(), "std_mean": lambda m, x: m.std_mean(x, 0)[0], "aminmax": lambda m, x: x.aminmax()[0],
    "int_and": lambda m, x: x.int() & 3, "bool_or": lambda m, x: (x > 0) | (x < -3), "float_to_half": lambda m, x: x.half(),
    "half_add": lambda m, x: x.half() + 1, "int_add_float": lambda m, x: x.int() + 0.5, "mul_int_t": lambda m, x: x * x.int(),
    "xlogy": lambda m, x: m.xlogy(x, x.abs() + 1), "hypot": lambda m, x: m.hypot(x, x), "logaddexp": lambda m, x: m.logaddexp(x, x),
    "frac": lambda m, x: (x / 3).frac(), "trunc": lambda m, x: (x / 3).trunc(), "clone_cl": lambda m, x: x.clone(memory_format=m.contiguous_format),
    "to_copy": lambda m, x: x.to(m.float64, copy=True), "cumsum_dt": lambda m, x: x.cumsum(0, dtype=m.float64),
    "softmax_dt": lambda m, x: x.softmax(0, dtype=m.float64), "log_softmax0": lambda m, x: F(m).log_softmax(x, 0),
    "mse_none": lambda m, x: F(m).mse_loss(x, x * 2, reduction="none"), "l1_none": lambda m, x: F(m).l1_loss(x, x.contiguous(), reduction="none"),
    "bce_logits": lambda m, x: F(m).binary_cross_entropy_with_logits(x, (x > 0).float(), reduction="none"),
    "smooth_l1": lambda m, x: F(m).smooth_l1_loss(x, x * 0, reduction="none"), "huber": lambda m, x: F(m).huber_loss(x, x * 0, reduction="none"),
    "unique": lambda m, x: m.unique(x), "nonzero": lambda m, x: x.nonzero(), "diag": lambda m, x: x.diag() if x.dim() in (1, 2) else x,
    "outer_mul": lambda m, x: x.reshape(-1)[:, None] * x.reshape(-1)[None, :], "exp2": lambda m, x: x.exp2(), "sqrt": lambda m, x: x.abs().sqrt(),
    "rand_like_d": lambda m, x: m.rand_like(x, dtype=m.float64), "randint_like": lambda m, x: m.randint_like(x, 10),
    "normal_t": lambda m, x: m.normal(x, 1.), "poisson": lambda m, x: m.poisson(x.abs()), "exponential_": lambda m, x: x.clone().exponential_(),
    "random_": lambda m, x: x.clone().random_(0, 10), "cauchy_": lambda m, x: x.clone().cauchy_(),
})

# ops on 4-d inputs (NCHW), run on the contiguous and channels_last layouts
OPS4 = {
    "conv2d": lambda m, x: F(m).conv2d(x, m.ones(2, 3, 1, 1)),
    "conv2d_k2": lambda m, x: F(m).conv2d(x, m.ones(2, 3, 2, 2), padding=1),
    "max_pool2d": lambda m, x: F(m).max_pool2d(x, 2),
    "avg_pool2d": lambda m, x: F(m).avg_pool2d(x, (1, 2)),
    "adaptive_avg": lambda m, x: F(m).adaptive_avg_pool2d(x, 1),
    "interp_nearest": lambda m, x: F(m).interpolate(x, scale_factor=2, mode="nearest"),
    "interp_bilinear": lambda m, x: F(m).interpolate(x, scale_factor=2, mode="bilinear"),
    "pad4": lambda m, x: F(m).pad(x, (1, 1, 1, 1)),
    "batch_norm4": lambda m, x: F(m).batch_norm(x, None, None, training=True),
    "batch_norm4_eval": lambda m, x: F(m).batch_norm(x, m.zeros(3), m.ones(3)),
    "group_norm4": lambda m, x: F(m).group_norm(x, 3),
    "layer_norm4": lambda m, x: F(m).layer_norm(x, (4,)),
    "relu4": lambda m, x: F(m).relu(x), "add_bias4": lambda m, x: x + m.ones(3, 1, 1),
    "softmax4": lambda m, x: x.softmax(1), "sum4k": lambda m, x: x.sum(1, keepdim=True),
}
LAYOUTS4 = {
    "nchw": lambda m: m.arange(48.).reshape(2, 3, 2, 4) - 20,
    "cl4": LAYOUTS["cl4"],
    "cl4_1x1": lambda m: (m.arange(6.).reshape(2, 3, 1, 1) - 2).contiguous(memory_format=m.channels_last),
}


def run(m, op, mk, seed=0):
    """``(strides, contiguous, output)`` of op on a layout built by ``mk``, or ``("raise", type name)``."""
    import warnings
    m.manual_seed(seed)
    x = mk(m)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = op(m, x)
    except Exception as e:   # noqa: BLE001 - torch's exception is the expectation
        return ("raise", type(e).__name__)
    return (tuple(y.stride()), y.is_contiguous(), y)
