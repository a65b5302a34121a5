"""Parity pins for sweep31b, continued (test_sweep31b.py lists the fixes): torch.load's
``weights_only`` switches, ``get_unsafe_globals_in_checkpoint`` and the ``torch.serialization``
switches kept in ``torch.utils.serialization.config``."""
import io
import warnings
import zipfile

import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import same_error
from tests.parity.test_sweep31b import MODS, OBJECTS, _outcome, _saved_bytes


# ---- torch.serialization.get_unsafe_globals_in_checkpoint -----------------------------------------
def _crafted_checkpoint(names, extra_ops=b""):
    """A zip checkpoint whose data.pkl names these globals (protocol 2: MARK, GLOBAL..., TUPLE, STOP)."""
    body = b"".join(b"c" + n.rsplit(".", 1)[0].encode() + b"\n" + n.rsplit(".", 1)[1].encode() + b"\n" for n in names)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02(" + body + extra_ops + b"t.")
        z.writestr("archive/version", b"3\n")
    return buf.getvalue()


def _unsafe(m, data, **kw):
    return _outcome(lambda: sorted(m.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data), **kw)))


def test_unsafe_globals_of_numpy_and_argparse_checkpoints():
    import argparse
    for obj in [{"loss": np.float64(0.5), "arr": np.arange(3)}, {"args": argparse.Namespace(lr=0.1)},
                {"w": torch.ones(2)}, [np.int64(3), {"nested": {"m": np.ones((2, 2))}}]]:
        buf = io.BytesIO()
        torch.save(obj, buf)
        assert _unsafe(glasstorch, buf.getvalue()) == _unsafe(torch, buf.getvalue())


def test_unsafe_globals_default_allowlist_is_torchs():
    from torch._weights_only_unpickler import _get_allowed_globals
    allowed = sorted(_get_allowed_globals())
    data = _crafted_checkpoint(allowed + ["os.system", "numpy.ndarray", "torch.nn.modules.linear.Linear",
                                          "copy_reg._reconstructor", "__builtin__.set"])
    got = _unsafe(glasstorch, data)
    assert got == _unsafe(torch, data) and got[0] == "ok" and "os.system" in got[1]


@pytest.mark.parametrize("ops", [b"K\x05", b"J\x01\x02\x03\x04", b"G" + bytes(8), b"X\x02\x00\x00\x00ab", b"U\x01a",
                                 b"\x8a\x01\x05", b"N\x88\x89)]}\x8f", b"\x8c\x01a", b"V1\n", b"0", b"\x95" + bytes(8)])
def test_unsafe_globals_opcode_scan(ops):
    data = _crafted_checkpoint(["numpy.ndarray"], ops)
    assert _unsafe(glasstorch, data) == _unsafe(torch, data)


def test_unsafe_globals_user_allowlist_and_errors(tmp_path):
    import argparse
    buf = io.BytesIO()
    torch.save({"args": argparse.Namespace(lr=0.1), "a": np.arange(2)}, buf)
    data = buf.getvalue()
    for m in MODS:
        m.serialization.add_safe_globals([argparse.Namespace])
    try:
        assert _unsafe(glasstorch, data) == _unsafe(torch, data)
        for m in MODS:
            m.serialization.add_safe_globals([(np.ndarray, "numpy.ndarray", 3)])
        assert _unsafe(glasstorch, data) == _unsafe(torch, data)
    finally:
        for m in MODS:
            m.serialization.clear_safe_globals()
    legacy = io.BytesIO()
    torch.save(torch.ones(1), legacy, _use_new_zipfile_serialization=False)
    for bad in [legacy.getvalue(), b"", _saved_bytes(torch, OBJECTS["tensor"], pickle_protocol=4)]:
        assert _unsafe(glasstorch, bad) == _unsafe(torch, bad)
    same_error(lambda m: m.serialization.get_unsafe_globals_in_checkpoint(str(tmp_path / "missing.pt")))
    same_error(lambda m: m.serialization.get_unsafe_globals_in_checkpoint(3))
    p = tmp_path / "ok.pt"
    torch.save({"a": np.arange(2)}, str(p))
    assert (_outcome(lambda: sorted(glasstorch.serialization.get_unsafe_globals_in_checkpoint(str(p))))
            == _outcome(lambda: sorted(torch.serialization.get_unsafe_globals_in_checkpoint(p))))


# ---- torch.load's weights_only switches and warnings ----------------------------------------------
def _load_outcome(m, data, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        got = _outcome(lambda: m.load(io.BytesIO(data), **kw))
    if got[0] == "ok":
        got = ("ok", sorted(got[1]))
    else:
        got = (got[0], got[1].splitlines()[0])
    return got, [(w.category.__name__, str(w.message)) for w in rec]


@pytest.mark.parametrize("env", [{}, {"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}, {"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "yes"},
                                 {"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "true", "TORCH_FORCE_WEIGHTS_ONLY_LOAD": "1"}])
@pytest.mark.parametrize("kw", [{}, {"weights_only": True}, {"weights_only": False}, {"encoding": "latin1"},
                                {"weights_only": True, "encoding": "bytes"}, {"pickle_module": __import__("pickle")}])
def test_load_weights_only_switches(env, kw, monkeypatch):
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2), "best": np.float64(0.5)}, buf)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert _load_outcome(glasstorch, buf.getvalue(), **kw) == _load_outcome(torch, buf.getvalue(), **kw)


# ---- torch.serialization's switches (torch.utils.serialization.config) ---------------------------
@pytest.fixture
def restore_config():
    import torch.utils.serialization  # noqa: F401
    import glasstorch.utils.serialization  # noqa: F401
    saved = [(m, m.utils.serialization.config.get_config_copy()) for m in MODS]
    yield
    for m, cfg in saved:
        for key, value in cfg.items():
            if "." in key:
                section, name = key.split(".")
                setattr(getattr(m.utils.serialization.config, section), name, value)


@pytest.mark.parametrize("setting", [("compute_crc32", False), ("storage_alignment", 32), ("storage_alignment", 128)])
def test_save_config_bytes(setting, restore_config):
    for m in MODS:
        setattr(m.utils.serialization.config.save, *setting)
    for name in ("gan_checkpoint", "empty"):
        data = _saved_bytes(glasstorch, OBJECTS[name])
        assert data == _saved_bytes(torch, OBJECTS[name]), name
        got = glasstorch.load(io.BytesIO(data))
        assert sorted(got) == sorted(torch.load(io.BytesIO(data)))


def test_crc32_options(restore_config):
    for m in MODS:
        m.serialization.set_crc32_options(False)
    assert glasstorch.serialization.get_crc32_options() is torch.serialization.get_crc32_options() is False
    assert _saved_bytes(glasstorch, OBJECTS["tensor"]) == _saved_bytes(torch, OBJECTS["tensor"])


@pytest.mark.parametrize("expr", ["c.save.nope", "c.load.nope", "setattr(c.save, 'nope', 1)", "c.nope",
                                  "c.get_config_copy()", "c.load.mmap_flags", "c.save.storage_alignment",
                                  "m.serialization.set_default_load_endianness('big')",
                                  "m.serialization.set_default_mmap_options(5)",
                                  "m.serialization.get_default_mmap_options()",
                                  "list(m.serialization.LoadEndianness)",
                                  "str(m.serialization.StorageType('HalfStorage'))",
                                  "m.serialization.StorageType('Nope')",
                                  "m.serialization.normalize_storage_type(m.FloatStorage)",
                                  "m.serialization.check_module_version_greater_or_equal(np, (1, 20))",
                                  "m.serialization.check_module_version_greater_or_equal(np, ('a',) * 6)",
                                  "issubclass(m.serialization.SourceChangeWarning, Warning)"])
def test_serialization_small_names(expr, restore_config):
    import torch.utils.serialization  # noqa: F401
    import glasstorch.utils.serialization  # noqa: F401
    from tests.parity._helpers import eval_outcome
    want = eval_outcome(expr, {"m": torch, "c": torch.utils.serialization.config, "np": np})
    got = eval_outcome(expr, {"m": glasstorch, "c": glasstorch.utils.serialization.config, "np": np})
    assert (got[0].replace("glasstorch", "torch"), got[1]) == want


def _without_byteorder():
    buf = io.BytesIO()
    torch.save(torch.tensor([1.0, 2.0], dtype=torch.float64), buf)
    zin, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zo:
        for info in zin.infolist():
            if not info.filename.endswith("/byteorder"):
                zo.writestr(info.filename, zin.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("order", [None, "LITTLE", "BIG", "NATIVE"])
def test_fallback_load_endianness(order, restore_config):
    data = _without_byteorder()
    res = []
    for m in MODS:
        m.serialization.set_default_load_endianness(None if order is None else getattr(m.serialization.LoadEndianness,
                                                                                        order))
        res.append((str(m.serialization.get_default_load_endianness()), m.load(io.BytesIO(data)).numpy().tobytes()))
    assert res[0] == res[1]


def test_mmap_options_and_default(tmp_path, restore_config):
    import mmap
    res = []
    for m in MODS:
        p = str(tmp_path / f"{m.__name__}.pt")
        m.save({"w": m.arange(4.0)}, p)
        with m.serialization.set_default_mmap_options(mmap.MAP_SHARED):
            flags = m.serialization.get_default_mmap_options()
            t = m.load(p, mmap=True)["w"]
            t.add_(10)          # shared: reaches the file
            del t
        t = m.load(p, mmap=True)["w"]
        t.add_(100)             # private again: copy on write
        del t
        m.utils.serialization.config.load.mmap = True       # mmap=None follows the config
        default_mapped = _outcome(lambda: m.load(io.BytesIO(open(p, "rb").read())))
        m.utils.serialization.config.load.mmap = False
        res.append((flags, m.serialization.get_default_mmap_options(), m.load(p)["w"].tolist(), default_mapped))
    assert res[0] == res[1]
