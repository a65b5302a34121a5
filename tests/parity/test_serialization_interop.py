"""Interop beyond torch.save: safetensors files, DLPack zero-copy exchange, and the model hand-off
(a model trained in glasstorch continues in real torch, and back)."""
import io

import numpy as np
import pytest
import torch

import glasstorch as gt
from glasstorch import serialization as gser
from glasstorch.utils import dlpack as gdl

import safetensors  # noqa: E402,F401  (the test extra installs it)
import safetensors.torch as st_torch  # noqa: E402

from glasstorch.utils import safetensors as gst  # noqa: E402

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def arrays():
    rng = np.random.default_rng(1)
    out = {d: (rng.standard_normal((2, 3)) * 20).astype(d) for d in DTYPES if d != "bool"}
    out["bool"] = rng.standard_normal(4) > 0
    return out


# ---- safetensors ---------------------------------------------------------------------------------
def test_safetensors_both_ways(tmp_path):
    a = arrays()
    gst.save_file({k: gt.from_numpy(v) for k, v in a.items()}, tmp_path / "g.safetensors", metadata={"m": "1"})
    loaded = st_torch.load_file(tmp_path / "g.safetensors")
    for k, v in a.items():
        assert str(loaded[k].dtype) == f"torch.{k}" and np.array_equal(loaded[k].numpy(), v)
    st_torch.save_file({k: torch.from_numpy(v) for k, v in a.items()}, tmp_path / "t.safetensors")
    for path in (tmp_path / "t.safetensors", str(tmp_path / "t.safetensors")):
        back = gst.load_file(path) if not isinstance(path, str) else gser.load(path)   # torch.load dispatches too
        for k, v in a.items():
            assert str(back[k].dtype) == f"torch.{k}" and np.array_equal(back[k]._data, v)
            back[k]._data[...] = back[k]._data     # writable
    assert gst.load(gst.save({"x": gt.from_numpy(a["float32"])}))["x"]._data.tobytes() == a["float32"].tobytes()


def test_safetensors_refusals_match(tmp_path):
    base = np.arange(6.)
    shared = {"a": gt.from_numpy(base), "b": gt.from_numpy(base[:3])}
    tb = torch.from_numpy(base.copy())
    with pytest.raises(RuntimeError) as theirs:
        st_torch.save({"a": tb, "b": tb[:3]})
    with pytest.raises(type(theirs.value), match="share memory"):
        gst.save(shared)
    with pytest.raises(ValueError) as theirs:
        st_torch.save({"a": torch.ones(2, 3).t()})
    with pytest.raises(type(theirs.value), match="non contiguous"):
        gst.save({"a": gt.from_numpy(np.ones((2, 3)).T)})
    with pytest.raises(ValueError, match="expected torch.Tensor"):
        gst.save({"a": 1})


# ---- DLPack --------------------------------------------------------------------------------------
class _Producer:
    """What Tensor.__dlpack__/__dlpack_device__ will be once the lead wires them."""

    def __init__(self, t):
        self.t = t

    def __dlpack__(self, **kw):
        return gdl.tensor_dlpack(self.t, **kw)

    def __dlpack_device__(self):
        return gdl.tensor_dlpack_device(self.t)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_zero_copy_with_torch_and_numpy(dtype):
    a = arrays()[dtype]
    g = gt.from_numpy(a.copy())
    t = torch.from_dlpack(_Producer(g))
    assert str(t.dtype) == f"torch.{dtype}" and np.array_equal(t.numpy(), a)
    assert t.data_ptr() == g._data.__array_interface__["data"][0]            # same memory, no copy
    n = np.from_dlpack(_Producer(g))
    assert np.shares_memory(n, g._data)
    src = torch.from_numpy(a.copy())
    back = gdl.from_dlpack(src)
    assert back._data.__array_interface__["data"][0] == src.data_ptr()
    back2 = gdl.from_dlpack(torch.utils.dlpack.to_dlpack(src))               # legacy capsule
    assert np.shares_memory(back._data, back2._data)
    assert gdl.tensor_dlpack_device(g) == src.__dlpack_device__()


def test_dlpack_requires_grad_refused_like_torch():
    with pytest.raises(Exception) as theirs:
        torch.ones(2, requires_grad=True).__dlpack__()
    g = gt.from_numpy(np.ones(2, np.float32)).requires_grad_()
    with pytest.raises(type(theirs.value), match="require gradient"):
        gdl.tensor_dlpack(g)


# ---- model hand-off --------------------------------------------------------------------------------
def _nets():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))
    return build(gt), build(torch)


def test_model_trained_in_glasstorch_continues_in_torch(tmp_path):
    """The recipe: gt.save(model.state_dict(), f) in glasstorch; torch_model.load_state_dict(torch.load(f))."""
    g_model, t_model = _nets()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    opt = gt.optim.SGD(g_model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (g_model(gt.from_numpy(x)) ** 2).mean().backward()
        opt.step()
    gser.save(g_model.state_dict(), tmp_path / "m.pt")
    t_model.load_state_dict(torch.load(tmp_path / "m.pt"))
    with torch.no_grad():
        expected = t_model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(g_model(gt.from_numpy(x)).detach()._data, expected, rtol=1e-6, atol=1e-6)
    # ... and back: torch trains one more step, glasstorch picks up its weights
    topt = torch.optim.SGD(t_model.parameters(), lr=0.1)
    (t_model(torch.from_numpy(x)) ** 2).mean().backward()
    topt.step()
    torch.save(t_model.state_dict(), tmp_path / "t.pt")
    g_model.load_state_dict(gser.load(tmp_path / "t.pt"))
    with torch.no_grad():
        expected = t_model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(g_model(gt.from_numpy(x)).detach()._data, expected, rtol=1e-6, atol=1e-6)
    buf = io.BytesIO()
    gser.save(g_model.state_dict(), buf)
    assert torch.load(io.BytesIO(buf.getvalue()))._metadata == t_model.state_dict()._metadata
