"""Parity pins for sweep27i (programs that build a small Lightning / Keras-like training framework).

Fixed in glasstorch:
- ``torch.save(obj, f, _use_new_zipfile_serialization=False)`` raised NotImplementedError, and
  ``torch.load`` refused a legacy (pre-1.6) file: both now use torch's legacy format (magic number,
  protocol 1001, sys_info, the pickle with 6-field storage ids and nn.Module class ids, the sorted
  storage keys, then each storage as an int64 count and its bytes), so files go both ways between
  torch and glasstorch, views still share memory after loading, sparse COO / CSR tensors load (the
  storages are read before the pickle is run, by a first pass in which nothing from the file runs),
  and ``weights_only`` refuses a whole pickled model with torch's message (_legacy_serialization.py,
  serialization.py);
- anomaly mode's "Error detected in <Node>" warnings lacked torch's
  `` (Triggered internally at .../python_anomaly_mode.cpp:122.)`` tail (``:100.`` for "No forward
  pass information available"), and under ``python -m glasstorch run`` their forward traceback
  began with runpy's and the runner's frames (autograd/anomaly_mode.py);
- ``torch.nn.utils.stateless.functional_call`` warned with its docstring's wording instead of the
  FutureWarning torch's ``@deprecated`` gives (nn/utils/stateless.py);
- an Optimizer subclass whose ``__init__`` skips ``Optimizer.__init__`` (the hand-written Lookahead
  wrapper sharing a base optimizer's ``param_groups``): torch's ``zero_grad`` reads ``defaults`` and
  wraps the class's ``step`` with its hook runner, so the next ``step()`` raises "'Lookahead' object
  has no attribute '_optimizer_step_pre_hooks'" (subclasses inheriting that step too); glasstorch
  stepped silently (optim/_step_patch.py, optim/optimizer.py).
"""
import io
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, assert_same_array, same_error

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64"]


def _payload(m, arr):
    x = m.from_numpy(arr.copy())
    return {"x": x, "row": x[0] if x.ndim else x, "t": x.t() if x.ndim == 2 else x,
            "list": [1, 2.5, "s"], "scalar": m.tensor(3.5), "p": m.nn.Parameter(m.ones(2))}


def _check_loaded(a, b):
    assert sorted(a) == sorted(b)
    for k in a:
        if isinstance(a[k], torch.Tensor):
            assert_same_array(a[k], b[k], what=k)
            assert a[k].requires_grad == b[k].requires_grad
            assert type(b[k]).__name__ == type(a[k]).__name__
        else:
            assert a[k] == b[k]


@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(DTYPES), shape=st.sampled_from([(2, 3), (4,), (1, 1), (3, 0), ()]),
       writer=st.sampled_from(MODS), weights_only=st.booleans())
def test_legacy_format_loads_on_both(dtype, shape, writer, weights_only):
    arr = (np.arange(int(np.prod(shape))) - 2).reshape(shape).astype(dtype)
    buf = io.BytesIO()
    writer.save(_payload(writer, arr), buf, _use_new_zipfile_serialization=False)
    got = {m: m.load(io.BytesIO(buf.getvalue()), weights_only=weights_only) for m in MODS}
    _check_loaded(got[torch], got[glasstorch])
    _check_loaded(_payload(torch, arr), got[glasstorch])


def test_legacy_format_views_share_memory_after_loading():
    for writer in MODS:
        buf = io.BytesIO()
        x = writer.arange(12.).view(3, 4)
        writer.save({"x": x, "col": x[:, 1], "t": x.t()}, buf, _use_new_zipfile_serialization=False)
        for m in MODS:
            r = m.load(io.BytesIO(buf.getvalue()))
            r["x"][1, 1] = -1.0
            assert r["col"][1].item() == -1.0 and r["t"][1, 1].item() == -1.0


@pytest.mark.parametrize("case", ["f32_as_i32", "i16_as_u8_slice", "f64_as_f32_rows"])
def test_legacy_format_dtype_views(case):
    # the storage count is in the saved tensor's element size, not that of the memory it views
    def build(m):
        if case == "f32_as_i32":
            return m.tensor([1.0, -2.0, 3.5]).view(m.int32)
        if case == "i16_as_u8_slice":
            return m.arange(6, dtype=m.int16).view(m.uint8)[2:]
        return m.arange(8, dtype=m.float64).view(m.float32).view(4, 4)[1:3]
    for writer in MODS:
        buf = io.BytesIO()
        writer.save(build(writer), buf, _use_new_zipfile_serialization=False)
        got = [m.load(io.BytesIO(buf.getvalue())) for m in MODS]
        assert_same_array(got[0], got[1])
        assert_same_array(got[0], build(torch))


def test_legacy_format_reads_to_the_end_and_to_a_path(tmp_path):
    # storages follow the pickle: a reader must consume them all, as torch's does
    for writer in MODS:
        path = tmp_path / f"{writer.__name__}.pt"
        writer.save({"w": writer.ones(3, dtype=writer.float64)}, path, _use_new_zipfile_serialization=False)
        buf = io.BytesIO(path.read_bytes() + b"tail")
        for m in MODS:
            buf.seek(0)
            assert m.load(buf)["w"].tolist() == [1.0, 1.0, 1.0]
            assert buf.read() == b"tail"
            assert m.load(path)["w"].dtype == m.float64


def test_legacy_format_whole_module():
    for writer in MODS:
        writer.manual_seed(0)
        buf = io.BytesIO()
        model = writer.nn.Sequential(writer.nn.Linear(2, 3), writer.nn.ReLU())
        writer.save(model, buf, _use_new_zipfile_serialization=False)
        reprs = {m: repr(m.load(io.BytesIO(buf.getvalue()), weights_only=False)) for m in MODS}
        assert reprs[torch] == reprs[glasstorch]
        loaded = {m: m.load(io.BytesIO(buf.getvalue()), weights_only=False) for m in MODS}
        assert_same_array(loaded[torch][0].weight, loaded[glasstorch][0].weight)
        same_error(lambda m: m.load(io.BytesIO(buf.getvalue()), weights_only=True))


def test_legacy_format_state_dicts_of_optimizer_and_model():
    for writer in MODS:
        writer.manual_seed(1)
        lin = writer.nn.Linear(3, 2)
        opt = writer.optim.Adam(lin.parameters(), lr=0.01)
        lin(writer.ones(4, 3)).sum().backward()
        opt.step()
        buf = io.BytesIO()
        writer.save({"model": lin.state_dict(), "opt": opt.state_dict()}, buf, _use_new_zipfile_serialization=False)
        got = {m: m.load(io.BytesIO(buf.getvalue())) for m in MODS}
        for k in ("weight", "bias"):
            assert_same_array(got[torch]["model"][k], got[glasstorch]["model"][k])
        for i in (0, 1):
            for k in ("step", "exp_avg", "exp_avg_sq"):
                assert_same_array(got[torch]["opt"]["state"][i][k], got[glasstorch]["opt"]["state"][i][k])
        assert got[torch]["opt"]["param_groups"] == got[glasstorch]["opt"]["param_groups"]


@pytest.mark.parametrize("layout", ["coo", "csr"])
def test_legacy_format_sparse(layout):
    dense = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], dtype=np.float32)
    for writer in MODS:
        x = writer.from_numpy(dense.copy())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = x.to_sparse() if layout == "coo" else x.to_sparse_csr()
            buf = io.BytesIO()
            writer.save({"s": x, "w": writer.ones(2)}, buf, _use_new_zipfile_serialization=False)
            got = {m: m.load(io.BytesIO(buf.getvalue()), weights_only=False)["s"] for m in MODS}
        assert str(got[torch].layout) == str(got[glasstorch].layout)
        assert_same_array(got[torch].to_dense(), got[glasstorch].to_dense())
        assert_same_array(got[torch].to_dense(), dense)


def test_legacy_format_corrupt_magic():
    import pickle
    bad = pickle.dumps(12345, protocol=2) + pickle.dumps(1001, protocol=2)
    same_error(lambda m: m.load(io.BytesIO(bad), weights_only=False))
    from glasstorch.serialization import MAGIC_NUMBER
    bad = pickle.dumps(MAGIC_NUMBER, protocol=2) + pickle.dumps(1000, protocol=2)
    same_error(lambda m: m.load(io.BytesIO(bad), weights_only=False))


def _anomaly_messages(m, created_inside):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z = m.tensor([0.0, 1.0], requires_grad=True)
        if created_inside:
            with m.autograd.set_detect_anomaly(True):
                y = (z.sqrt() * 0).div(z).sum()
                try:
                    y.backward()
                except RuntimeError as e:
                    err = str(e)
        else:
            y = (z.sqrt() * 0).div(z).sum()
            with m.autograd.set_detect_anomaly(True):
                try:
                    y.backward()
                except RuntimeError as e:
                    err = str(e)
    return err, [str(w.message) for w in caught if "Error detected" in str(w.message)]


@pytest.mark.parametrize("created_inside", [True, False])
def test_anomaly_warning_has_torch_tail(created_inside):
    got = [_anomaly_messages(m, created_inside) for m in MODS]     # one call site: the same frames
    assert got[0] == got[1]
    assert got[0][1][0].endswith(".cpp:122.)" if created_inside else ".cpp:100.)")


_SCRIPT = """import warnings
import torch
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    z = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        try:
            (z.sqrt() * 0).div(z).sum().backward()
        except RuntimeError as e:
            print(e)
for w in caught:
    print(repr(str(w.message)))
"""


def test_anomaly_traceback_of_a_script_run_by_glasstorch(tmp_path):
    # `python -m glasstorch run` must not add runpy's and the runner's frames to the forward traceback
    import os
    import subprocess
    import sys
    script = tmp_path / "anomaly_script.py"
    script.write_text(_SCRIPT)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    want = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=root)
    got = subprocess.run([sys.executable, "-m", "glasstorch", "run", str(script)], capture_output=True, text=True,
                         env=env, cwd=root)
    assert want.returncode == 0 and got.returncode == 0, got.stderr
    assert "Error detected in DivBackward0" in want.stdout
    assert got.stdout == want.stdout


def test_stateless_functional_call_warning_and_result():
    def f(m):
        import torch.nn.utils.stateless     # noqa: F401 - torch needs the submodule imported
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        params = {"weight": m.ones(2, 3), "bias": m.zeros(2)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m.nn.utils.stateless.functional_call(lin, params, (m.arange(6.).view(2, 3),))
        return out, [(w.category.__name__, str(w.message)) for w in caught]
    (o_t, w_t), (o_g, w_g) = f(torch), f(glasstorch)
    assert_same_array(o_t, o_g)
    assert w_t == w_g and w_t


def _wrapper_optimizer_outcomes(m, define_zero_grad, call_zero_grad, with_hooks_attr):
    """What a Lookahead-style wrapper (no Optimizer.__init__) does on each call, as text."""
    class Wrapper(m.optim.Optimizer):
        def __init__(self, base):
            self.base, self.param_groups, self.state, self.defaults = base, base.param_groups, base.state, base.defaults
            if with_hooks_attr:
                self._optimizer_step_pre_hooks, self._optimizer_step_post_hooks = {}, {}

        def step(self, closure=None):
            return self.base.step(closure)

    class Sub(Wrapper):
        if define_zero_grad:
            def zero_grad(self, set_to_none=True):
                self.base.zero_grad(set_to_none)

    p = m.nn.Parameter(m.ones(2))
    out = []
    for cls in (Wrapper, Sub):
        opt = cls(m.optim.SGD([p], lr=0.1))
        for call in (["zero_grad", "step", "step"] if call_zero_grad else ["step"]):
            p.grad = m.ones(2)
            try:
                r = getattr(opt, call)()
                out.append((call, r))
            except Exception as e:           # noqa: BLE001 - the outcome is compared
                out.append((call, type(e).__name__, str(e)))
        out.append(p.detach().tolist())
    return out


@pytest.mark.parametrize("define_zero_grad", [False, True])
@pytest.mark.parametrize("call_zero_grad", [False, True])
@pytest.mark.parametrize("with_hooks_attr", [False, True])
def test_optimizer_wrapper_without_base_init(define_zero_grad, call_zero_grad, with_hooks_attr):
    got = [_wrapper_optimizer_outcomes(m, define_zero_grad, call_zero_grad, with_hooks_attr) for m in MODS]
    assert got[0] == got[1]


def test_optimizer_without_defaults_zero_grad_error():
    def f(m):
        class NoDefaults(m.optim.Optimizer):
            def __init__(self, params):
                self.param_groups = [{"params": params}]
        NoDefaults([m.nn.Parameter(m.ones(1))]).zero_grad()
    same_error(f)


def test_global_step_hooks_run_on_a_patched_wrapper():
    def f(m):
        seen = []

        class Wrapper(m.optim.Optimizer):
            def __init__(self, base):
                self.base, self.param_groups, self.defaults = base, base.param_groups, base.defaults
                self._optimizer_step_pre_hooks, self._optimizer_step_post_hooks = {}, {}

            def step(self, closure=None):
                seen.append("step")
                return self.base.step(closure)
        opt = Wrapper(m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1))
        opt.zero_grad()
        import importlib
        mod = importlib.import_module(m.__name__ + ".optim.optimizer")     # torch.optim deletes the name
        pre = mod.register_optimizer_step_pre_hook(lambda o, a, k: seen.append("pre"))
        post = mod.register_optimizer_step_post_hook(lambda o, a, k: seen.append("post"))
        try:
            opt.step()
        finally:
            pre.remove()
            post.remove()
        return seen
    assert f(torch) == f(glasstorch)
