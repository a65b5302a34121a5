"""Parity pins for helper rz: HuggingFace transformers 5.24.0 (with accelerate 1.x for its Trainer),
tiny models built from configs: BERT, GPT-2 (greedy, sampling, beam search), DistilBERT, T5, ViT,
Llama/Mistral/Qwen2, BART, RoBERTa, CLIP, ResNet, ConvNeXt, Swin, Whisper, Wav2Vec2-CTC, pipelines
with local tokenizers, save_pretrained/from_pretrained and a Trainer run.

Fixed in glasstorch:
- ``torch.float8_e4m3fn``, ``float8_e5m2``, ``float8_e4m3fnuz``, ``float8_e5m2fnuz``, ``float8_e8m0fnu``
  exist as named dtypes (transformers' cache_utils and modeling_utils name them at import), with
  torch's finfo, pickling and "Promotion for Float8 Types is not supported" error; finfo's repr
  prints ``resolution`` with %g as torch does ("resolution=1", not "1.0") (_dtype.py);
- ``torch.utils._pytree``'s private flatten helpers (``_dict_flatten_with_keys`` ..., which
  transformers' ModelOutput registers with) (utils/_pytree_named.py);
- ``torch.cuda.CUDAGraph``, ``graph``, ``graphs``, ``graph_pool_handle``, ``make_graphed_callables``,
  ``is_current_stream_capturing`` as a CPU build has them (annotations in continuous batching)
  (_cuda_graphs.py);
- ``torch.distributed``: ``all_to_all_single``; ``torch.distributed.tensor`` (placements Shard,
  Replicate, Partial, _StridedShard with torch's repr/str/eq; DTensor, distribute_tensor names),
  ``tensor._utils.compute_local_shape_and_global_offset``, ``device_mesh`` (DeviceMesh,
  init_device_mesh), ``fsdp`` (policies, FSDP1's refusal on CPU), ``_composable.fsdp``,
  ``checkpoint`` names, ``_functional_collectives`` names, and ``algorithms.join`` (Join, Joinable,
  JoinHook: accelerate imports it) -- transformers imports all of these when torch.distributed is
  available;
- ``torch._dynamo._trace_wrapped_higher_order_op.TransformGetItemToIndex`` (masking_utils), and
  ``aten.index.Tensor`` takes a 0-d integer tensor as an advanced index (a copy, IndexBackward0) instead
  of a view (ops/index_aten.py);
- ``torch.nn.attention.flex_attention``'s names and its mask combinators;
- ``torch.nn.modules.module._EXTRA_STATE_KEY_SUFFIX`` / ``_IncompatibleKeys`` (from_pretrained);
- ``torch.backends.cudnn.flags`` / ``set_flags`` (the CTC loss of Wav2Vec2) (_cudnn_flags.py);
- ``torch._dynamo.mark_static_address`` / ``maybe_mark_dynamic`` (generate with a static cache);
- an in-place op on a view of a base that is dense but not C-ordered (an elementwise result of a
  transposed tensor) failed its backward with NumPy's "ndarray is not contiguous" (FunnelForMaskedLM):
  the view's region is now read from the base's memory in memory order (ops/inplace.py);
- ``torch.cuda.default_generators`` is ``()`` (Reformer), ``torch._higher_order_ops.associative_scan``
  exists (Mamba imports it).
"""
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome, eval_outcome
from tests.parity.test_distributed import DISTS, _free_port, world_of_one  # noqa: F401  (a fixture)

MODS = (torch, glasstorch)
FLOAT8 = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]


def _both(fn):
    """fn(module) on torch and glasstorch, as text (glasstorch's name made torch's)."""
    out = [repr(fn(m)).replace("glasstorch", "torch") for m in MODS]
    assert out[0] == out[1], out


# ---- float8 dtypes, finfo ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", FLOAT8)
def test_float8_dtype_attributes(name):
    _both(lambda m: (getattr(m, name), getattr(m, name).itemsize, getattr(m, name).is_floating_point,
                     getattr(m, name).is_signed, getattr(m, name).is_complex, str(getattr(m, name))))


@pytest.mark.parametrize("name", FLOAT8)
def test_float8_finfo(name):
    _both(lambda m: (m.finfo(getattr(m, name)), m.finfo(getattr(m, name)).max, m.finfo(getattr(m, name)).min,
                     m.finfo(getattr(m, name)).eps, m.finfo(getattr(m, name)).tiny, m.finfo(getattr(m, name)).bits,
                     m.finfo(getattr(m, name)).resolution, m.finfo(getattr(m, name)).dtype))


@pytest.mark.parametrize("name", FLOAT8)
def test_float8_pickles_to_itself(name):
    for m in MODS:
        d = getattr(m, name)
        assert pickle.loads(pickle.dumps(d)) is d


@given(a=st.sampled_from(FLOAT8), b=st.sampled_from(FLOAT8 + ["float32", "float16", "int64", "bool", "float64"]))
@settings(max_examples=30, deadline=None)
def test_float8_promotion_refused(a, b):
    if a == b:
        _both(lambda m: m.promote_types(getattr(m, a), getattr(m, b)))
    else:
        same_error(lambda m: m.promote_types(getattr(m, a), getattr(m, b)))
        same_error(lambda m: m.promote_types(getattr(m, b), getattr(m, a)))


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "bfloat16"])
def test_finfo_repr(name):
    _both(lambda m: m.finfo(getattr(m, name)))


# ---- torch.utils._pytree's private helpers ----------------------------------------------------------------
def _containers():
    from collections import OrderedDict, defaultdict, deque, namedtuple
    P = namedtuple("P", "a b")
    return {"dict": {"x": 1, "y": [2, 3]}, "list": [1, (2, 3)], "tuple": (4, 5), "namedtuple": P(1, 2),
            "ordereddict": OrderedDict(b=1, a=2), "defaultdict": defaultdict(list, {"k": 3}),
            "deque": deque([1, 2], maxlen=4)}


@pytest.mark.parametrize("kind", ["dict", "list", "tuple", "namedtuple", "ordereddict", "defaultdict", "deque"])
def test_pytree_private_flatten_helpers(kind):
    def fn(m):
        import importlib
        pt = importlib.import_module(m.__name__ + ".utils._pytree")
        obj = _containers()[kind]
        values, ctx = getattr(pt, f"_{kind}_flatten")(obj)
        keyed, ctx2 = getattr(pt, f"_{kind}_flatten_with_keys")(obj)
        back = getattr(pt, f"_{kind}_unflatten")(values, ctx)
        return (list(values), ctx if kind != "namedtuple" else ctx.__name__, [(str(k), v) for k, v in keyed],
                ctx2 == ctx, back == obj, type(back).__name__)
    _both(fn)


def test_pytree_dict_flatten_with_keys_registers_a_dict_class():
    def fn(m):
        import importlib
        pt = importlib.import_module(m.__name__ + ".utils._pytree")

        class Out(dict):
            pass
        pt.register_pytree_node(Out, pt._dict_flatten, lambda v, c: Out(pt._dict_unflatten(v, c)),
                                flatten_with_keys_fn=pt._dict_flatten_with_keys)
        try:
            o = Out(loss=m.tensor(1.0), logits=[m.tensor(2.0), m.tensor(3.0)])
            paths = pt.tree_flatten_with_path(o)[0]
            mapped = pt.tree_map(lambda t: t * 2, o)
            return [(pt.keystr(p), v.item()) for p, v in paths], type(mapped).__name__, mapped["loss"].item()
        finally:
            pt._deregister_pytree_node(Out)
    _both(fn)


# ---- torch.cuda graphs on a CPU build ---------------------------------------------------------------------
@pytest.mark.parametrize("expr", ["m.cuda.CUDAGraph()", "m.cuda.graph(None)", "m.cuda.graph_pool_handle()",
                                  "m.cuda.is_current_stream_capturing()", "m.cuda.graphs.CUDAGraph()",
                                  "m.cuda.make_graphed_callables(m.nn.Linear(2, 2), (m.zeros(2),))"])
def test_cuda_graph_refusals(expr):
    same_error(lambda m: eval(expr, {"m": m}))


def test_cuda_graph_names():
    _both(lambda m: (m.cuda.CUDAGraph.__name__, m.cuda.graph.__name__, m.cuda.graphs.__name__,
                     m.cuda.graph.default_capture_stream, m.cuda.CUDAGraph.__module__))


# ---- torch.distributed ---------------------------------------------------------------------------------------
def test_all_to_all_single_world_of_one(world_of_one):
    def fn(m):
        d = DISTS[m]
        x = m.arange(6.0).reshape(3, 2)
        out = m.zeros(3, 2)
        w = d.all_to_all_single(out, x)
        out2 = m.zeros(3, 2)
        d.all_to_all_single(out2, x * 2, output_split_sizes=[3], input_split_sizes=[3])
        return w, out, out2
    _both(fn)


PLACEMENTS = ["Shard(0)", "Shard(2)", "Shard(dim=1)", "Shard(True)", "Replicate()", "Partial()", "Partial('avg')", "_StridedShard(1, split_factor=2)"]


def _pt(m, expr):
    import importlib
    mod = importlib.import_module(m.__name__ + ".distributed.tensor.placement_types")
    return eval(expr, vars(mod))


@pytest.mark.parametrize("a", PLACEMENTS)
@pytest.mark.parametrize("b", PLACEMENTS)
def test_placements(a, b):
    _both(lambda m: (repr(_pt(m, a)), str(_pt(m, a)), _pt(m, a) == _pt(m, b), _pt(m, a) != _pt(m, b),
                     hash(_pt(m, a)) == hash(_pt(m, a)), _pt(m, a).is_shard(), _pt(m, a).is_shard(0),
                     _pt(m, a).is_replicate(), _pt(m, a).is_partial(), _pt(m, a).is_partial("avg"),
                     isinstance(_pt(m, a), _pt(m, "Placement")), isinstance(_pt(m, a), _pt(m, "Shard"))))


@given(size=st.integers(0, 40), n=st.integers(1, 8), data=st.data())
@settings(max_examples=60, deadline=None)
def test_shard_local_size_and_offset(size, n, data):
    rank = data.draw(st.integers(0, n - 1))
    _both(lambda m: _pt(m, "Shard").local_shard_size_and_offset(size, n, rank))


def test_device_mesh_world_of_one(world_of_one):
    def fn(m):
        import importlib
        dm = importlib.import_module(m.__name__ + ".distributed.device_mesh")
        ut = importlib.import_module(m.__name__ + ".distributed.tensor._utils")
        pt = importlib.import_module(m.__name__ + ".distributed.tensor.placement_types")
        mesh = dm.init_device_mesh("cpu", (1,))
        named = dm.init_device_mesh("cpu", (1,), mesh_dim_names=("tp",))
        return (repr(mesh), str(named), repr(named["tp"]), mesh.shape, mesh.ndim, mesh.size(), mesh.get_coordinate(),
                mesh.mesh_dim_names, named.mesh_dim_names, named.get_local_rank(), mesh == mesh,
                ut.compute_local_shape_and_global_offset((4, 3), mesh, [pt.Shard(0)]),
                ut.compute_local_shape_and_global_offset((4, 3), mesh, [pt.Replicate()]),
                ut.compute_local_shape_and_global_offset((5,), named, (pt.Shard(0),)))
    _both(fn)


def test_device_mesh_nd_world_of_one(world_of_one):
    def fn(m):
        import importlib
        dm = importlib.import_module(m.__name__ + ".distributed.device_mesh")
        ut = importlib.import_module(m.__name__ + ".distributed.tensor._utils")
        pt = importlib.import_module(m.__name__ + ".distributed.tensor.placement_types")
        two = dm.init_device_mesh("cpu", (1, 1), mesh_dim_names=("dp", "tp"))
        three = dm.init_device_mesh("cpu", (1, 1, 1))
        try:
            two.get_local_rank()
        except RuntimeError as e:
            err = e.args
        return (repr(two), repr(three), repr(two["tp"]), repr(two["dp"]), two.size(1), three.get_coordinate(), err,
                two.get_local_rank("tp"), two.get_local_rank(1),
                ut.compute_local_shape_and_global_offset((4, 6), two, [pt.Shard(0), pt.Shard(1)]),
                ut.compute_local_shape_and_global_offset((4, 6), two, [pt.Shard(1), pt.Replicate()]))
    _both(fn)


@pytest.mark.parametrize("expr", ["dt.distribute_tensor(m.zeros(4))", "dt.DTensor.from_local(m.zeros(4))",
                                  "dt.distribute_module(m.nn.Linear(2, 2))", "pt.Shard()", "pt.Shard('a')",
                                  "pt.Shard(1, 2)", "pt.Shard(dim='x')", "pt.Shard(1.5)", "pt.Shard(x=1)",
                                  "fsdp.FullyShardedDataParallel(m.nn.Linear(2, 2))"])
def test_distributed_tensor_refusals_without_mesh(expr):
    def fn(m):
        import importlib
        env = {"m": m, "dt": importlib.import_module(m.__name__ + ".distributed.tensor"),
               "pt": importlib.import_module(m.__name__ + ".distributed.tensor.placement_types"),
               "fsdp": importlib.import_module(m.__name__ + ".distributed.fsdp")}
        return eval(expr, env)
    same_error(fn)


@pytest.mark.parametrize("expr", ["dm.init_device_mesh('cpu', (1,))", "fsdp.fully_shard(m.nn.Linear(2, 2))",
                                  "dm.DeviceMesh('cpu', [0])"])
def test_mesh_without_process_group_refused_as_torch(expr, monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)

    def fn(m):
        import importlib
        env = {"m": m, "dm": importlib.import_module(m.__name__ + ".distributed.device_mesh"),
               "fsdp": importlib.import_module(m.__name__ + ".distributed.fsdp")}
        return eval(expr, env)
    same_error(fn)


def test_distributed_names():
    def fn(m):
        import importlib
        dt = importlib.import_module(m.__name__ + ".distributed.tensor")
        fsdp = importlib.import_module(m.__name__ + ".distributed.fsdp")
        comp = importlib.import_module(m.__name__ + ".distributed._composable.fsdp")
        return (isinstance(m.zeros(2), dt.DTensor), issubclass(dt.DTensor, m.Tensor),
                isinstance(m.nn.Linear(1, 1), fsdp.FullyShardedDataParallel),
                issubclass(fsdp.FullyShardedDataParallel, m.nn.Module), fsdp.MixedPrecisionPolicy(),
                fsdp.MixedPrecisionPolicy(param_dtype=m.float16), fsdp.CPUOffloadPolicy(),
                fsdp.CPUOffloadPolicy(pin_memory=False), list(fsdp.ShardingStrategy), list(fsdp.BackwardPrefetch),
                list(fsdp.StateDictType), comp.fully_shard.__name__, sorted(set(dt.__all__)))
    _both(fn)


def test_join_refusals():
    def fn(m, what):
        import importlib
        j = importlib.import_module(m.__name__ + ".distributed.algorithms.join")
        return j.Join([] if what == "empty" else [m.nn.Linear(2, 2)])
    same_error(fn, "empty")
    same_error(fn, "linear")


def test_join_runs_hooks_in_world_of_one(world_of_one):
    def fn(m):
        import importlib
        j = importlib.import_module(m.__name__ + ".distributed.algorithms.join")
        log = []

        class Hook(j.JoinHook):
            def main_hook(self):
                log.append("main")

            def post_hook(self, is_last_joiner):
                log.append(("post", is_last_joiner))

        class Worker(j.Joinable):
            def __init__(self):
                super().__init__()

            def join_hook(self, **kwargs):
                log.append(("kwargs", sorted(kwargs)))
                return Hook()

            @property
            def join_device(self):
                return m.device("cpu")

            @property
            def join_process_group(self):
                return DISTS[m].group.WORLD

        w = Worker()
        with j.Join([w], flag=1):
            for _ in range(2):
                log.append(j.Join.notify_join_context(w) is not None)
        with j.Join([w], enable=False):
            log.append(j.Join.notify_join_context(w))
        return log, w._join_config
    _both(fn)


# ---- TransformGetItemToIndex and aten.index with 0-d indices ----------------------------------------------------
IDX = ["[t(1)]", "[t(-1)]", "[None, t(2)]", "[t(1), t([0, 3])]", "[t(1), None]", "[t(1), t(2)]",
       "[t(1, dtype=m.int32)]", "[t([[0], [2]]), t(1)]", "[t(5)]", "[None, t(-5)]", "[t(0), t(0), t(0)]",
       "[t([1])]", "[t(1.0)]"]


@pytest.mark.parametrize("idx", IDX)
def test_aten_index_zero_d_is_advanced(idx):
    def fn(m):
        x = m.arange(12.0).reshape(3, 4).requires_grad_()
        y = m.ops.aten.index.Tensor(x, eval(idx, {"t": m.tensor, "m": m}))
        return y, y._is_view(), y.stride()
    same_outcome(lambda m: fn(m)[0])
    try:
        fn(torch)
    except Exception:      # noqa: BLE001 - the error is pinned above
        return
    _both(lambda m: fn(m)[1:])
    same_on_both(lambda m, x: m.ops.aten.index.Tensor(x, eval(idx, {"t": m.tensor, "m": m})),
                 [np.arange(12.0).reshape(3, 4)])


@pytest.mark.parametrize("expr", ["x[t(1)]", "x[1]", "x[t(1), 2]", "x[1:2]", "x[t([0, 2])]", "x[..., t(3)]",
                                  "x[None]"])
def test_transform_getitem_to_index(expr):
    def fn(m):
        import importlib
        mode = importlib.import_module(m.__name__ + "._dynamo._trace_wrapped_higher_order_op")
        x = m.arange(12.0).reshape(3, 4).requires_grad_()
        with mode.TransformGetItemToIndex():
            y = eval(expr, {"x": x, "t": m.tensor})
        (y * m.arange(1.0, y.numel() + 1).reshape(y.shape)).sum().backward()
        return y.detach(), y._is_view(), type(y.grad_fn).__name__, x.grad
    _both(fn)


# ---- flex_attention's names ------------------------------------------------------------------------------------
def test_flex_attention_masks():
    def fn(m):
        import importlib
        fa = importlib.import_module(m.__name__ + ".nn.attention.flex_attention")
        b, h = m.tensor(0), m.tensor(0)
        q, k = m.arange(4)[:, None], m.arange(4)[None]
        causal = lambda b, h, q, k: q >= k          # noqa: E731
        far = lambda b, h, q, k: (q - k) > 2          # noqa: E731
        return (fa._DEFAULT_SPARSE_BLOCK_SIZE, fa.noop_mask(b, h, q, k), fa.and_masks(causal, far)(b, h, q, k),
                fa.or_masks(causal, far)(b, h, q, k), fa.and_masks()(b, h, q, k), fa.or_masks()(b, h, q, k))
    _both(fn)
    same_error(lambda m: __import__(m.__name__ + ".nn.attention.flex_attention", fromlist=["x"]).and_masks(1))
    same_error(lambda m: __import__(m.__name__ + ".nn.attention.flex_attention", fromlist=["x"]).or_masks(len, 2))


# ---- small names -------------------------------------------------------------------------------------------------
def test_module_state_names():
    _both(lambda m: (m.nn.modules.module._EXTRA_STATE_KEY_SUFFIX,
                     m.nn.modules.module._IncompatibleKeys(["a"], []),
                     m.nn.Linear(1, 1).load_state_dict(m.nn.Linear(1, 1).state_dict()).__class__.__name__))


def test_cudnn_flags():
    def fn(m):
        c = m.backends.cudnn
        out = [c.set_flags()]
        with c.flags(enabled=False, deterministic=True):
            out.append((c.enabled, c.deterministic, c.benchmark, c.allow_tf32))
        out.append((c.enabled, c.deterministic, c.benchmark, c.allow_tf32))
        orig = c.set_flags(_benchmark=True)
        out.append((orig, c.benchmark))
        c.set_flags(*orig)
        out.append((c.benchmark, c.benchmark_limit, type(c.flags()).__name__))
        return out
    _both(fn)


def test_mark_static_address():
    def fn(m):
        a, b = m.zeros(2), m.ones(3)
        return (m._dynamo.mark_static_address(a), a._dynamo_static_input_type,
                m._dynamo.mark_static_address(b, guard=True), b._dynamo_static_input_type,
                m._dynamo.maybe_mark_dynamic(a, 0))
    _both(fn)
    same_error(lambda m: m._dynamo.mark_static_address([1.0]))


# ---- in place on a view of a base laid out in another order (FunnelForMaskedLM) ---------------------------------
VIEW_CASES = {
    "t_rows_mul": (lambda m, x: _inplace_case(m, x, lambda b: b[1:3], lambda v: v.mul_(2)), (3, 4)),
    "t_col_add": (lambda m, x: _inplace_case(m, x, lambda b: b[:, 1], lambda v: v.add_(1.5)), (3, 4)),
    "t_diag_copy": (lambda m, x: _inplace_case(m, x, lambda b: b.diagonal(), lambda v: v.copy_(v * 3)), (4, 4)),
    "t_step_sigmoid": (lambda m, x: _inplace_case(m, x, lambda b: b[::2], lambda v: v.sigmoid_()), (3, 4)),
}


def _inplace_case(m, x, view, op):
    base = x.t() * 1.0            # dense, column-ordered, not a view
    v = view(base)
    op(v)
    return base * m.arange(float(base.numel()), dtype=x.dtype).reshape(base.shape)


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_inplace_on_view_of_transposed_base(name):
    fn, shape = VIEW_CASES[name]
    same_on_both(fn, [np.random.default_rng(0).standard_normal(shape)])


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_inplace_on_view_of_transposed_base_gradcheck(name):
    fn, shape = VIEW_CASES[name]
    x = glasstorch.from_numpy(np.random.default_rng(1).standard_normal(shape)).requires_grad_()
    assert glasstorch.autograd.gradcheck(lambda t: fn(glasstorch, t), (x,))


def test_inplace_on_view_of_permuted_3d_base():
    def fn(m, y):
        base = y.permute(2, 0, 1) * 2.0
        w = base[:, 1]
        w.add_(m.ones(3, dtype=y.dtype))
        return w.sin()
    same_on_both(fn, [np.random.default_rng(2).standard_normal((2, 3, 4))])


@pytest.mark.parametrize("idx", ["[t(1)]", "[None, t(2)]", "[t(1), t([0, 3, 0])]", "[t(2), t(1)]"])
def test_aten_index_zero_d_gradcheck(idx):
    x = glasstorch.from_numpy(np.random.default_rng(3).standard_normal((3, 4))).requires_grad_()
    assert glasstorch.autograd.gradcheck(
        lambda a: glasstorch.ops.aten.index.Tensor(a, eval(idx, {"t": glasstorch.tensor})), (x,))


def test_cuda_default_generators_and_higher_order_ops():
    _both(lambda m: (m.cuda.default_generators, len(m.cuda.default_generators)))

    def fn(m):
        from importlib import import_module
        hop = import_module(m.__name__ + "._higher_order_ops")
        return callable(hop.associative_scan), hop.associative_scan.__name__
    _both(fn)


def test_inplace_on_view_of_permuted_3d_base_gradcheck():
    def fn(y):
        base = y.permute(2, 0, 1) * 2.0
        w = base[:, 1]
        w.mul_(y[0, 0, :3])
        return base
    y = glasstorch.from_numpy(np.random.default_rng(4).standard_normal((2, 3, 4))).requires_grad_()
    assert glasstorch.autograd.gradcheck(fn, (y,))
    same_on_both(lambda m, y: fn(y), [np.random.default_rng(4).standard_normal((2, 3, 4))])
