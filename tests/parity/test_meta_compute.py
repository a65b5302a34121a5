"""Computing on the meta device (glasstorch/_meta_compute.py): every op answers with a meta tensor of
torch's shape, dtype and autograd node, and refuses what torch refuses there.

Each case runs on torch and on glasstorch; the outcome is described (device, shape, dtype, grad_fn
name, requires_grad of every tensor in it, or the error's type and message) and the descriptions
compared.  The random stream after each case is compared too: torch's meta kernels draw nothing.

Fixed in glasstorch: ops on meta tensors raised NotImplementedError, except views; several (layer_norm,
group_norm, pixel_shuffle, det, prod, diag, atan2, nn.LayerNorm) answered with an ordinary CPU tensor
computed from the zeros behind the meta tensor; backward through meta results was not possible; a
meta factory of a size no memory holds (the shapes tutorial's torch.rand(2**10, 3, 2**16, 2**16,
device='meta')) raised the allocator's error.
"""
import pytest
import torch
from hypothesis import given, strategies as st

import glasstorch

MODS = (torch, glasstorch)


def describe(r):
    if isinstance(r, (torch.Tensor, glasstorch.Tensor)):
        fn = r.grad_fn
        return ("T", str(r.device), tuple(r.shape), str(r.dtype).replace("glasstorch", "torch"),
                None if fn is None else type(fn).__name__, r.requires_grad)
    if isinstance(r, (tuple, list)):
        return (type(r).__name__, tuple(describe(x) for x in r))
    if isinstance(r, (torch.Size, glasstorch.Size)):
        return tuple(r)
    if isinstance(r, (torch.device, glasstorch.device)):
        return str(r)
    return r


def outcome(fn, m):
    # glasstorch switches meta computing on at its first meta tensor; a function looked up before that
    # (``torch.cat([torch.randn(2, device="meta")])``) would run unchecked, so one exists first
    m.empty(0, device="meta")
    m.manual_seed(0)
    try:
        got = describe(fn(m))
    except Exception as e:          # noqa: BLE001 - the error is part of the outcome
        got = ("error", type(e).__name__, str(e))
    return got, m.rand(3).tolist()


def same(fn):
    t, g = (outcome(fn, m) for m in MODS)
    assert g == t


def meta(m, *shape, dtype=None, rg=False):
    return m.randn(*shape, device="meta", dtype=dtype or m.float32, requires_grad=rg)


def index(m, *shape):
    return m.zeros(*shape, dtype=m.long, device="meta")


F = lambda m: m.nn.functional       # noqa: E731

CASES = {
    "exp": lambda m: meta(m, 4, 5).exp(),
    "add": lambda m: meta(m, 4, 5) + meta(m, 5),
    "add_scalar_tensor": lambda m: meta(m, 4, 5) + m.tensor(2.0),
    "mm": lambda m: meta(m, 4, 5) @ meta(m, 5, 3),
    "matmul_batched": lambda m: meta(m, 2, 4, 5) @ meta(m, 5, 3),
    "sum": lambda m: meta(m, 4, 5).sum(1),
    "mean_keepdim": lambda m: meta(m, 4, 5).mean(0, keepdim=True),
    "max_dim": lambda m: meta(m, 4, 5).max(1),
    "sort": lambda m: meta(m, 4, 5).sort(1),
    "topk": lambda m: meta(m, 4, 5).topk(2),
    "argmax": lambda m: meta(m, 4, 5).argmax(1),
    "softmax": lambda m: meta(m, 4, 5).softmax(-1),
    "cat": lambda m: m.cat([meta(m, 2, 3), meta(m, 4, 3)]),
    "stack": lambda m: m.stack([meta(m, 2, 3), meta(m, 2, 3)], 1),
    "where": lambda m: m.where(meta(m, 3) > 0, meta(m, 3), 0.0),
    "gather": lambda m: meta(m, 4, 5).gather(1, index(m, 4, 2)),
    "index_tensor": lambda m: meta(m, 4, 5)[index(m, 3)],
    "cumsum": lambda m: meta(m, 4, 5).cumsum(0),
    "to_double": lambda m: meta(m, 4, 5).double(),
    "pow": lambda m: meta(m, 3) ** 2,
    "layer_norm": lambda m: F(m).layer_norm(meta(m, 2, 6), (6,)),
    "group_norm": lambda m: F(m).group_norm(meta(m, 2, 4, 6), 2),
    "pixel_shuffle": lambda m: F(m).pixel_shuffle(meta(m, 1, 4, 3, 3), 2),
    "det": lambda m: m.det(meta(m, 3, 3)),
    "inv": lambda m: m.linalg.inv(meta(m, 2, 3, 3)),
    "cholesky": lambda m: m.linalg.cholesky(meta(m, 3, 3)),
    "prod": lambda m: meta(m, 4, 5).prod(),
    "diag": lambda m: meta(m, 5).diag(),
    "atan2": lambda m: m.atan2(meta(m, 3), meta(m, 3)),
    "conv2d": lambda m: F(m).conv2d(meta(m, 2, 3, 8, 8), meta(m, 4, 3, 3, 3), padding=1, stride=2),
    "max_pool2d": lambda m: F(m).max_pool2d(meta(m, 2, 3, 8, 8), 2),
    "cross_entropy": lambda m: F(m).cross_entropy(meta(m, 4, 5, rg=True), index(m, 4)),
    "embedding": lambda m: F(m).embedding(index(m, 2, 3), meta(m, 10, 4)),
    "sdpa": lambda m: F(m).scaled_dot_product_attention(meta(m, 1, 2, 4, 8), meta(m, 1, 2, 4, 8), meta(m, 1, 2, 4, 8)),
    "dropout": lambda m: F(m).dropout(meta(m, 4, 5), 0.5),
    "multinomial": lambda m: m.multinomial(meta(m, 4, 5).softmax(-1), 2),
    "randn_like": lambda m: m.randn_like(meta(m, 4, 5)),
    "normal_": lambda m: m.empty(3, 4, device="meta").normal_(),
    "add_": lambda m: m.empty(3, 4, device="meta").add_(1),
    "t_": lambda m: m.empty(3, 4, device="meta").t_(),
    "unsqueeze_": lambda m: m.empty(3, device="meta").unsqueeze_(0),
    "resize_": lambda m: m.empty(3, device="meta").resize_(2, 5),
    "setitem": lambda m: (lambda t: (t.__setitem__(0, 1.0), t)[1])(m.empty(3, 4, device="meta")),
    "zeros_like_cpu": lambda m: m.zeros_like(meta(m, 2), device="cpu"),
    "grad_fn": lambda m: (meta(m, 3, rg=True) * 2).sum(),
    "backward": lambda m: (lambda w: ((w * 2).exp().sum().backward(), w.grad)[1])(meta(m, 3, rg=True)),
    "autograd_grad": lambda m: (lambda w: m.autograd.grad((w * 3).tanh().sum(), w))(meta(m, 3, rg=True)),
    # sizes no memory holds: torch's meta factories allocate nothing
    "huge_rand": lambda m: m.rand(2 ** 10, 3, 2 ** 16, 2 ** 16, device="meta"),
    "huge_zeros_int": lambda m: m.zeros((2 ** 40,), device="meta", dtype=m.int64),
    "huge_full": lambda m: m.full((2 ** 20, 2 ** 20), 7, device="meta"),
    "huge_randint": lambda m: m.randint(0, 10, (2 ** 40,), device="meta"),
    "huge_randn_rg": lambda m: m.randn(size=(2 ** 30, 2 ** 30), device="meta", requires_grad=True),
    # what torch refuses on meta tensors
    "nonzero": lambda m: meta(m, 3).nonzero(),
    "mask_index": lambda m: (lambda x: x[x > 0])(meta(m, 3)),
    "masked_select": lambda m: meta(m, 3).masked_select(meta(m, 3) > 0),
    "unique": lambda m: meta(m, 3).unique(),
    "bincount": lambda m: index(m, 3).bincount(),
    "item": lambda m: meta(m, 1).item(),
    "item_many": lambda m: meta(m, 3).item(),
    "bool": lambda m: bool(meta(m, 1)),
    "float": lambda m: float(meta(m, 1)),
    "tolist": lambda m: meta(m, 3).tolist(),
    "numpy": lambda m: meta(m, 3).numpy(),
    "to_cpu": lambda m: meta(m, 3).to("cpu"),
    "cpu": lambda m: meta(m, 3).cpu(),
    "equal": lambda m: m.equal(meta(m, 3), meta(m, 3)),
    "allclose": lambda m: m.allclose(meta(m, 3), meta(m, 3)),
    "repeat_interleave": lambda m: meta(m, 3).repeat_interleave(index(m, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_meta_op(name):
    same(CASES[name])


def _mlp(m):
    nn = m.nn
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.LayerNorm(8), nn.Linear(8, 2))


MODULE_CASES = {
    "mlp_to_meta": lambda m: _mlp(m).to("meta")(meta(m, 5, 4)),
    "mlp_backward": lambda m: (lambda net: (F(m).cross_entropy(net(meta(m, 5, 4)), index(m, 5)).backward(),
                                            [p.grad for p in net.parameters()])[1])(_mlp(m).to("meta")),
    "device_context": lambda m: (lambda net: (net[0].weight, net(meta(m, 2, 4))))(_build_in_meta(m)),
    "conv_stack": lambda m: m.nn.Sequential(m.nn.Conv2d(3, 8, 5, device="meta"), m.nn.MaxPool2d(2),
                                            m.nn.BatchNorm2d(8, device="meta"), m.nn.Flatten())(meta(m, 16, 3, 32, 32)),
    "lstm": lambda m: m.nn.LSTM(6, 3, num_layers=2, device="meta")(meta(m, 5, 2, 6)),
    "gru_batch_first": lambda m: m.nn.GRU(4, 6, batch_first=True).to("meta")(meta(m, 2, 7, 4)),
    "transformer_layer": lambda m: m.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, device="meta")(
        meta(m, 2, 5, 8)),
    "mha": lambda m: m.nn.MultiheadAttention(6, 2, device="meta")(meta(m, 4, 2, 6), meta(m, 4, 2, 6), meta(m, 4, 2, 6)),
    "embedding_module": lambda m: m.nn.Embedding(10, 4).to("meta")(index(m, 2, 3)),
    "to_empty": lambda m: (lambda net: (net.to_empty(device="cpu"), net[0].weight.device, net[0].weight.shape)[1:])(
        _mlp(m).to("meta")),
}


def _build_in_meta(m):
    with m.device("meta"):
        return _mlp(m)


@pytest.mark.parametrize("name", sorted(MODULE_CASES))
def test_meta_module(name):
    same(MODULE_CASES[name])


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.sampled_from(["sum", "mean", "amax", "std", "logsumexp"]),
       st.booleans())
def test_meta_reduction_shapes(shape, op, keepdim):
    same(lambda m: getattr(meta(m, *shape), op)(-1, keepdim=keepdim))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.lists(st.booleans(), min_size=1, max_size=3))
def test_meta_broadcast(shape, ones):
    other = [1 if one else n for n, one in zip(shape, ones + [False] * len(shape))]
    same(lambda m: meta(m, *shape) * meta(m, *other, rg=True))


def test_meta_result_is_not_computed_from_zeros():
    """The ops that answered with a CPU tensor before now answer on the meta device (or refuse)."""
    x = glasstorch.randn(2, 3, 4, device="meta")
    for r in (glasstorch.nn.functional.layer_norm(x, (4,)), x.prod(), glasstorch.atan2(x, x),
              glasstorch.nn.LayerNorm(4, device="meta")(x)):
        assert r.is_meta and r.device.type == "meta"
