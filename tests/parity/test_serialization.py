"""torch.save / torch.load parity: files move between glasstorch and real torch 2.13 in both directions.

Each test builds the same data in both libraries from one NumPy array, saves with one library and
loads with the other; torch is the oracle for values, dtypes, strides and storage sharing.
"""
import io
import pickle
from collections import OrderedDict, Counter

import numpy as np
import pytest
import torch

import glasstorch as gt
from glasstorch import serialization as gser

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def gt_to_torch(obj, **kw):
    buf = io.BytesIO()
    gser.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **kw)


def torch_to_gt(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return gser.load(buf, **kw)


def sample(dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 50).astype(np.dtype(dtype) if dtype != "bool" else np.float64) \
        if dtype != "bool" else rng.standard_normal(shape) > 0


def assert_same(g, t):
    """A glasstorch tensor equals a torch tensor: values, dtype, shape, strides, requires_grad."""
    assert isinstance(g, gt.Tensor) and isinstance(t, torch.Tensor)
    assert str(g.dtype) == str(t.dtype)
    assert tuple(g.shape) == tuple(t.shape)
    assert g.requires_grad == t.requires_grad
    np.testing.assert_array_equal(g._data, t.detach().numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_both_ways(dtype):
    a = sample(dtype)
    g, t = gt.from_numpy(a.copy()), torch.from_numpy(a.copy())
    assert_same(g, gt_to_torch(g))
    assert_same(torch_to_gt(t), t)
    for scalar in (gt.from_numpy(a[0, 0, ...]), gt.from_numpy(a[:0])):      # 0-d and empty
        back = gt_to_torch(scalar)
        np.testing.assert_array_equal(back.numpy(), scalar._data)
        assert_same(torch_to_gt(back), back)


def _views(lib, base):
    """The same family of views of one storage, in either library."""
    return {"base": base, "t_slice": base.t()[1:], "step": base[:, ::2], "row": base[2], "expand": base[0:1].expand(3, 4),
            "scalar": base[1, 1]}


def test_views_share_storage_glasstorch_to_torch():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    g = gt.from_numpy(a)
    g_views = {"base": g, "t_slice": gt.from_numpy(a.T[1:]), "step": gt.from_numpy(a[:, ::2]),
               "row": gt.from_numpy(a[2]), "expand": gt.from_numpy(np.broadcast_to(a[0:1], (3, 4))),
               "scalar": gt.from_numpy(a[1, 1, ...])}
    loaded = gt_to_torch(g_views)
    expected = _views(torch, torch.from_numpy(a.copy()))
    ptr = loaded["base"].untyped_storage().data_ptr()
    for k, t in expected.items():
        got = loaded[k]
        assert got.untyped_storage().data_ptr() == ptr, k
        assert (got.storage_offset(), got.stride(), got.shape) == (t.storage_offset(), t.stride(), t.shape), k
        assert torch.equal(got, t), k
    loaded["base"][1, 1] = -5                  # still one storage after loading
    assert loaded["scalar"].item() == -5


def test_views_share_storage_torch_to_glasstorch():
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    views = _views(torch, base)
    loaded = torch_to_gt(views)
    for k, t in views.items():
        assert_same(loaded[k], t)
        assert np.shares_memory(loaded[k]._data, loaded["base"]._data), k
    loaded["base"]._data[1, 1] = -5
    assert loaded["scalar"].item() == -5
    # saving the loaded views again keeps them one storage, readable by torch
    again = gt_to_torch(loaded)
    assert len({v.untyped_storage().data_ptr() for v in again.values()}) == 1


def test_glasstorch_view_ops_keep_sharing():
    g = gt.arange(12.).reshape(3, 4)
    views = {"base": g, "t": g.t(), "sl": g[1:]}
    assert np.shares_memory(views["t"]._data, g._data) and np.shares_memory(views["sl"]._data, g._data)
    loaded = gt_to_torch(views)
    assert len({v.untyped_storage().data_ptr() for v in loaded.values()}) == 1
    back = gser.load(_saved(views))
    assert np.shares_memory(back["t"]._data, back["sl"]._data)


def _saved(obj):
    buf = io.BytesIO()
    gser.save(obj, buf)
    buf.seek(0)
    return buf


def test_nested_containers_and_python_values():
    a = np.linspace(0, 1, 6).reshape(2, 3)
    make = {
        torch: lambda: torch.from_numpy(a.copy()),
        gt: lambda: gt.from_numpy(a.copy()),
    }

    def build(lib):
        t = make[lib]()
        return {"list": [t, (1, 2.5, "s"), [None, True, False]], "tuple": (t, {"deep": [t, {"x": -3}]}),
                "od": OrderedDict(b=1, a=2), "set": {1, 2, 3}, "bytes": b"\x00\xff", "big": 2 ** 70,
                "neg": -(2 ** 40), "complex": 1 + 2j, "counter": Counter("aab"), "str": "üñí",
                "size": lib.Size([2, 3]), "device": lib.device("cpu"), "dtype": lib.float16}

    def check(g, t):
        if isinstance(t, torch.Tensor):
            assert_same(g, t)
        elif isinstance(t, (torch.Size,)):
            assert tuple(g) == tuple(t) and type(g).__name__ == "Size"
        elif isinstance(t, (torch.device, torch.dtype)):
            assert str(g) == str(t)
        elif isinstance(t, dict):
            assert type(g) is type(t) and list(g) == list(t)
            for k in t:
                check(g[k], t[k])
        elif isinstance(t, (list, tuple)):
            assert type(g) is type(t) and len(g) == len(t)
            for x, y in zip(g, t):
                check(x, y)
        else:
            assert g == t and type(g) is type(t)

    check(torch_to_gt(build(torch)), build(torch))
    check(build(gt), gt_to_torch(build(gt)))
    # one tensor reached twice is one object after loading, in both libraries
    loaded = gt_to_torch(build(gt))
    assert loaded["list"][0] is loaded["tuple"][0]
    g_loaded = torch_to_gt(build(torch))
    assert g_loaded["list"][0] is g_loaded["tuple"][1]["deep"][0]


def test_parameters_and_state_dict_metadata():
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    sd_t = OrderedDict(weight=torch.nn.Parameter(torch.from_numpy(w.copy())), bias=torch.zeros(2))
    sd_t._metadata = OrderedDict({"": {"version": 1}, "sub": {"version": 2}})
    g = torch_to_gt(sd_t)
    assert type(g) is OrderedDict and g._metadata == sd_t._metadata
    assert isinstance(g["weight"], gt.nn.Parameter) and g["weight"].requires_grad
    assert_same(g["weight"], sd_t["weight"])
    t = gt_to_torch(g)
    assert isinstance(t["weight"], torch.nn.Parameter) and t["weight"].requires_grad
    assert t._metadata == sd_t._metadata
    assert torch.equal(t["weight"].detach(), sd_t["weight"].detach())


def test_optimizer_state_dict_from_torch():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    g = torch_to_gt(sd)
    assert g["param_groups"] == sd["param_groups"]
    for i, st in sd["state"].items():
        for k, v in st.items():
            assert_same(g["state"][i][k], v)
    # and back: torch's optimizer accepts the state glasstorch wrote
    back = gt_to_torch(g)
    opt2 = torch.optim.Adam(model.parameters(), lr=0.01)
    opt2.load_state_dict(back)
    assert torch.equal(opt2.state_dict()["state"][0]["exp_avg"], sd["state"][0]["exp_avg"])


def test_optimizer_state_dict_from_glasstorch():
    p = gt.nn.Parameter(gt.from_numpy(np.ones((2, 2), np.float32)))
    opt = gt.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = gt.from_numpy(np.full((2, 2), 0.5, np.float32))
    opt.step()
    sd = opt.state_dict()
    t = gt_to_torch(sd)
    assert t["param_groups"] == sd["param_groups"]
    tp = torch.nn.Parameter(torch.ones(2, 2))
    topt = torch.optim.SGD([tp], lr=0.1, momentum=0.9)
    topt.load_state_dict(t)
    np.testing.assert_array_equal(topt.state[tp]["momentum_buffer"].numpy(), sd["state"][0]["momentum_buffer"]._data)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.uint16])     # (complex: see test_complex.py)
def test_dtype_glasstorch_lacks_is_named(dtype):
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2, dtype=dtype)}, buf)
    buf.seek(0)
    with pytest.raises(TypeError, match=str(dtype).replace("torch.", "")):
        gser.load(buf)


def test_path_file_and_archive_name(tmp_path):
    g = {"x": gt.from_numpy(np.arange(3.))}
    path = tmp_path / "model.ckpt"
    gser.save(g, path)
    ref = tmp_path / "ref.ckpt"
    torch.save({"x": torch.arange(3.)}, ref)
    import zipfile
    assert zipfile.ZipFile(path).namelist() == [n.replace("ref/", "model/") for n in zipfile.ZipFile(ref).namelist()]
    assert torch.equal(torch.load(path)["x"], torch.arange(3., dtype=torch.float64))
    assert torch.equal(torch.load(path, mmap=True)["x"], torch.arange(3., dtype=torch.float64))
    np.testing.assert_array_equal(gser.load(str(ref))["x"]._data, np.arange(3.))
    np.testing.assert_array_equal(gser.load(ref, mmap=True)["x"]._data, np.arange(3.))


def test_map_location_forms():
    buf = _saved({"x": gt.from_numpy(np.arange(3.))})
    for loc in (None, "cpu", gt.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        buf.seek(0)
        np.testing.assert_array_equal(gser.load(buf, map_location=loc)["x"]._data, np.arange(3.))


def test_weights_only_false_is_explicit_opt_in():
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2), "frozen": frozenset({1})}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        gser.load(buf)
    buf.seek(0)
    got = gser.load(buf, weights_only=False)
    assert got["frozen"] == frozenset({1}) and isinstance(got["x"], gt.Tensor)


def test_safe_globals_allowlist():
    buf = io.BytesIO()
    torch.save({"f": frozenset({1})}, buf)
    with pytest.raises(pickle.UnpicklingError, match="frozenset"):
        buf.seek(0)
        gser.load(buf)
    with gser.safe_globals([frozenset]):
        assert frozenset in gser.get_safe_globals()
        buf.seek(0)
        assert gser.load(buf)["f"] == frozenset({1})
    assert frozenset not in gser.get_safe_globals()
    gser.add_safe_globals([frozenset])
    try:
        buf.seek(0)
        assert gser.load(buf)["f"] == frozenset({1})
    finally:
        gser.clear_safe_globals()


def test_same_storage_two_dtypes_refused_like_torch():
    a = np.zeros(4, np.float32)
    with pytest.raises(RuntimeError, match="view the same data as different types"):
        gser.save([gt.from_numpy(a), gt.from_numpy(a.view(np.int32))], io.BytesIO())
    t = torch.zeros(4)
    with pytest.raises(RuntimeError, match="view the same data as different types"):
        torch.save([t, t.view(torch.int32)], io.BytesIO())


def test_negative_strides_are_saved_as_copies():
    a = np.arange(5.)
    # from_numpy refuses negative strides (as torch); a glasstorch tensor can still hold such an array
    loaded = gt_to_torch([gt._tensor._wrap(a[::-1])])
    assert torch.equal(loaded[0], torch.arange(5., dtype=torch.float64).flip(0))
