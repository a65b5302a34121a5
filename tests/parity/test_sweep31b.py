"""Parity pins for sweep31b (GAN training recipes: DCGAN, conditional WGAN-GP, SNGAN with hinge loss
and EMA, pix2pix, StyleGAN-style R1; their checkpoints).

Fixed in glasstorch:
- ``torch.save`` opens its target before pickling and always finishes the archive, as torch's
  ``PyTorchStreamWriter`` does: a save whose pickling raises leaves torch's small archive (records
  ``version``, ``byteorder``, ``.data/serialization_id``) in the file or buffer instead of nothing;
  ``_disable_byteorder_record=True`` writes ``byteorder`` after ``version`` (torch's end of file)
  instead of leaving it out (_save_target.py, serialization.py);
- ``.data/serialization_id`` is torch's deterministic id (a hash_combine of libstdc++'s hashes of
  the record names in its unordered_set order, then of the records' CRC-32s), not random digits:
  ``torch.save`` files are now byte for byte torch's (_serialization_id.py);
- ``torch.save`` path and file checks are torch's: "invalid file name" for a name whose archive
  name is empty (``.hidden``, a trailing slash), "Parent directory ... does not exist.", the
  C++ "open file failed with strerror: ..." (RuntimeErrors, not Python's OSErrors), the archive
  folder of a non-ASCII name is ``archive``, ``\\`` separates too; the ``'write'`` AttributeError
  without "but got ...", raised before pickling; a non-callable ``write`` is torch's TypeError;
  the buffer's ``flush()`` is called (an object without one raises, as in torch, in both formats);
  the file gets miniz's writes (header, name, extra field, data, descriptor; the central directory
  in one call), each a read-only memoryview as torch's writer hands them, and a legacy save hands
  each pickle over in one write;
- an empty record (an empty tensor's storage) is written as miniz writes it, without a data
  descriptor (flags 0x0800), and adds no CRC to the id; an empty tensor's saved strides are its
  ``stride()`` (contiguous, not NumPy's zeros); pickle protocols 4 and 5 name torch's globals with
  memoized strings and STACK_GLOBAL, and protocol 0 spells the storage type ``<class
  'torch.FloatStorage'>`` in the persistent id (_zip_format.py, _serialization_globals.py);
- ``data_ptr()`` of a tensor without elements, and of an empty storage, is 0 as in torch
  (ops/storage.py);
- ``torch.load`` of a file object runs torch's seekable check ("... has no attribute 'seek'. You
  can only torch.load from a file that is seekable. ..."); ``mmap=True`` on a buffer is
  torch's RuntimeError for a legacy checkpoint (ValueError only for a zip one), and the legacy
  message names a ``str`` path as torch does;
- ``torch.serialization.get_unsafe_globals_in_checkpoint`` was missing: it scans data.pkl's
  opcodes as torch does (protocol-2 opcodes only, "Unsupported operand N" otherwise) and returns
  the GLOBALs outside torch's default allowlist and the user's (_unsafe_globals.py);
- ``torch.load``'s ``weights_only`` switches are torch's: both environment variables set is
  torch's RuntimeError, ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` only overrides an unset
  ``weights_only`` and then warns, and extra pickle arguments (``encoding=``) with weights-only
  loading warn "pickle_load_args only works if `weights_only=False`." (_pickle_safe.py);
- ``torch.utils.serialization.config`` and the ``torch.serialization`` names over it were
  missing: ``get/set_crc32_options`` (False: CRC-32s written as 0, torch's id over those zeros),
  ``config.save.storage_alignment`` (the records' alignment and ``.storage_alignment``),
  ``get/set_default_mmap_options`` (MAP_SHARED: a mapped load writes through to the file),
  ``config.load.mmap`` (the default of ``mmap=None``), ``LoadEndianness`` and
  ``get/set_default_load_endianness`` (the byte order of a checkpoint without ``byteorder``),
  ``StorageType``, ``normalize_storage_type``, ``storage_to_tensor_type``, ``mkdtemp``,
  ``check_module_version_greater_or_equal``, ``SourceChangeWarning``
  (_serialization_options.py, utils/serialization/);
- the stft ``return_complex=False`` and istft ``length`` warnings end with torch's "(Triggered
  internally at ...)" (_stft.py).
"""
import io
import os
import pathlib
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error

MODS = (torch, glasstorch)


class Unpicklable:
    def __reduce__(self):
        raise ValueError("cannot pickle this")


def _saved_bytes(m, obj_fn, **kw):
    buf = io.BytesIO()
    m.save(obj_fn(m), buf, **kw)
    return buf.getvalue()


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:       # noqa: BLE001 - torch's error is the expectation
        return type(e).__name__, str(e)


# ---- byte-identical checkpoints ---------------------------------------------------------------------
OBJECTS = {
    "int": lambda m: 3,
    "tensor": lambda m: m.arange(6.0).view(2, 3),
    "views": lambda m: (lambda t: [t, t[1:], t.t()])(m.arange(12.0).view(3, 4)),
    "dtypes": lambda m: {"f": m.ones(2), "d": m.zeros(3, dtype=m.float64), "i": m.arange(4),
                         "b": m.tensor([True, False]), "h": m.ones(2, dtype=m.float16)},
    "state_dict": lambda m: (m.manual_seed(0), m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3),
                                                               m.nn.Linear(3, 1)).state_dict())[1],
    "empty": lambda m: {"e": m.empty(0), "x": m.ones(2), "z": m.zeros(2, 0, dtype=m.int64), "n": m.tensor([])},
    "param": lambda m: [m.nn.Parameter(m.ones(2)), m.ones(3).requires_grad_()],
    "gan_checkpoint": lambda m: (m.manual_seed(1), {
        "G": m.nn.ConvTranspose2d(4, 2, 4, 2, 1).state_dict(), "D": m.nn.Conv2d(2, 1, 3).state_dict(),
        "epoch": 7, "fixed_noise": m.randn(2, 4, 1, 1), "losses": [0.5, 0.25]})[1],
}


@pytest.mark.parametrize("name", sorted(OBJECTS))
@pytest.mark.parametrize("no_byteorder", [False, True])
def test_saved_bytes_are_torchs(name, no_byteorder):
    kw = {"_disable_byteorder_record": True} if no_byteorder else {}
    assert _saved_bytes(glasstorch, OBJECTS[name], **kw) == _saved_bytes(torch, OBJECTS[name], **kw)


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_saved_bytes_by_pickle_protocol(protocol):
    # protocol 0 writes the persistent id as text (torch's "<class 'torch.FloatStorage'>"); 4 and 5
    # name globals with STACK_GLOBAL
    for name in ("gan_checkpoint", "dtypes", "empty"):
        assert (_saved_bytes(glasstorch, OBJECTS[name], pickle_protocol=protocol)
                == _saved_bytes(torch, OBJECTS[name], pickle_protocol=protocol)), name


def test_empty_records_load_both_ways():
    for m_save, m_load in [(torch, glasstorch), (glasstorch, torch)]:
        buf = io.BytesIO(_saved_bytes(m_save, OBJECTS["empty"]))
        got = m_load.load(buf)
        assert {k: (tuple(v.shape), str(v.dtype).split(".")[1]) for k, v in got.items()} == {
            "e": ((0,), "float32"), "x": ((2,), "float32"), "z": ((2, 0), "int64"), "n": ((0,), "float32")}


@pytest.mark.parametrize("expr", ["m.empty(0)", "m.ones(3)[3:]", "m.ones(3)[1:1]", "m.zeros(2, 0)", "m.ones(4, 3)[:, 3:]",
                                  "m.ones(2)", "m.tensor(5)"])
def test_data_ptr_of_empty_tensors_is_null(expr):
    res = []
    for m in MODS:
        t = eval(expr, {"m": m})
        res.append((t.data_ptr() == 0, t.untyped_storage().data_ptr() == 0, t.untyped_storage().nbytes()))
    assert res[0] == res[1]


def test_byteorder_record_moves_to_the_end_when_disabled():
    for m in MODS:
        z = zipfile.ZipFile(io.BytesIO(_saved_bytes(m, OBJECTS["tensor"], _disable_byteorder_record=True)))
        assert z.namelist()[-3:] == ["archive/version", "archive/byteorder", "archive/.data/serialization_id"]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 320), st.integers(0, 3))
def test_serialization_id_over_many_records(n, salt):
    # many storages: the record-name set rehashes (13, 29, 59, 127, 257, 541 buckets) on the way
    def obj(m):
        return {f"w{i}": m.full((1 + (i + salt) % 3,), float(i * salt)) for i in range(n)}
    assert _saved_bytes(glasstorch, obj) == _saved_bytes(torch, obj)


def test_saved_file_bytes_by_path(tmp_path):
    for fname in ["ckpt.pt", "a.b.pt", "noext", "x.", "g_ema.tar"]:
        out = []
        for m in MODS:
            d = tmp_path / m.__name__
            d.mkdir(exist_ok=True)
            m.save({"w": m.ones(3)}, str(d / fname))
            out.append((d / fname).read_bytes())
        assert out[0] == out[1], fname


# ---- a save that fails while pickling --------------------------------------------------------------
def test_failed_save_leaves_torchs_archive_in_a_buffer():
    out = []
    for m in MODS:
        buf = io.BytesIO()
        with pytest.raises(ValueError, match="cannot pickle this"):
            m.save({"w": m.ones(2), "bad": Unpicklable()}, buf)
        out.append(buf.getvalue())
    assert out[0] == out[1] and len(out[0]) > 0


def test_failed_save_to_path_then_load(tmp_path):
    res = []
    for m in MODS:
        p = tmp_path / f"{m.__name__}_ckpt.pt"
        with pytest.raises(RuntimeError, match="Serialization of parametrized modules"):
            m.save(m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(3, 1)), str(p))
        res.append((p.exists(), sorted(n.split("/", 1)[1] for n in zipfile.ZipFile(p).namelist()),
                    _outcome(lambda: m.load(str(p)))))
    assert res[0] == res[1]


# ---- where torch.save may write ----------------------------------------------------------------
def _save_to(m, target, tmp_path):
    os.chdir(tmp_path)
    return _outcome(lambda: m.save(m.ones(1), target))


@pytest.mark.parametrize("target", [".hidden", "", "sub/", "missing/x.pt", "afile/x.pt", "sub/../y.pt", "adir",
                                    "é.pt", "back\\slash.pt"])
def test_save_path_checks(target, tmp_path):
    res = []
    cwd = os.getcwd()
    try:
        for m in MODS:
            d = tmp_path / m.__name__
            d.mkdir()
            (d / "afile").write_text("x")
            (d / "adir").mkdir()
            (d / "sub").mkdir()
            got = _save_to(m, target, d)
            names = None
            p = d / target
            if got[0] == "ok" and p.is_file():
                names = zipfile.ZipFile(p).namelist()[0]
            res.append((got, names))
    finally:
        os.chdir(cwd)
    assert res[0] == res[1]


class WriteNotCallable:
    write = 3


class NoFlush:
    def __init__(self):
        self.data = b""

    def write(self, b):
        self.data += bytes(b)
        return len(b)


@pytest.mark.parametrize("target", ["int", "object", "write_not_callable", "bytes_path"])
@pytest.mark.parametrize("new_format", [True, False])
def test_save_file_object_checks(target, new_format):
    make = {"int": lambda: 5, "object": object, "write_not_callable": WriteNotCallable,
            "bytes_path": lambda: b"/tmp/x.pt"}[target]
    same_error(lambda m: m.save({"w": m.ones(1), "bad": Unpicklable()}, make(),
                                _use_new_zipfile_serialization=new_format))


def test_save_flushes_the_buffer():
    same_error(lambda m: m.save(m.ones(2), NoFlush()))
    same_error(lambda m: m.save(m.ones(2), NoFlush(), _use_new_zipfile_serialization=False))
    out = []
    for m in MODS:
        w = NoFlush()
        try:
            m.save(m.ones(2), w)
        except AttributeError:
            pass
        out.append(w.data)
    assert out[0] == out[1]


class Recorder:
    """A file object that notes what each write hands it."""

    def __init__(self):
        self.calls = []

    def write(self, b):
        self.calls.append((type(b).__name__, len(b), getattr(b, "readonly", None)))
        return len(b)

    def flush(self):
        self.calls.append("flush")


@pytest.mark.parametrize("name", ["tensor", "empty", "gan_checkpoint"])
def test_save_writes_as_torchs_writer(name):
    # miniz's calls: header, name, extra field, data and descriptor (none for an empty record), the
    # central directory at once, the three end records; read-only memoryviews; then flush
    out = []
    for m in MODS:
        r = Recorder()
        m.save(OBJECTS[name](m), r)
        out.append(r.calls)
    assert out[0] == out[1]


def test_save_legacy_writes_and_text_file(tmp_path):
    out = []
    for m in MODS:
        r = Recorder()
        m.save(m.ones(3), r, _use_new_zipfile_serialization=False)
        out.append([(c[0], c[2]) if c != "flush" else c for c in r.calls])      # (torch's storage key is an address)
    assert out[0] == out[1]
    for new in (True, False):
        def fn(m):
            with open(tmp_path / "text.pt", "w") as fh:
                m.save(m.ones(2), fh, _use_new_zipfile_serialization=new)
        same_error(fn)


# ---- torch.load's checks of f and mmap ------------------------------------------------------------
class ReadOnly:
    def read(self, n=-1):
        return b""


class NoSeek(ReadOnly):
    def tell(self):
        return 0

    def seek(self, pos, whence=0):
        raise io.UnsupportedOperation("seek")


class SeekFails(NoSeek):
    def seek(self, pos, whence=0):
        raise AttributeError("something else")


@pytest.mark.parametrize("make", [lambda: 3, object, ReadOnly, NoSeek, SeekFails], ids=["int", "object", "read_only",
                                                                                       "unsupported", "other"])
def test_load_needs_a_seekable_file(make):
    same_error(lambda m: m.load(make()))


@pytest.mark.parametrize("legacy", [True, False])
@pytest.mark.parametrize("kind", ["str", "pathlib", "buffer"])
def test_load_mmap(legacy, kind, tmp_path):
    path = tmp_path / "ckpt.pt"
    torch.save(torch.arange(3.0), str(path), _use_new_zipfile_serialization=not legacy)
    res = []
    for m in MODS:
        src = {"str": lambda: str(path), "pathlib": lambda: pathlib.Path(path),
               "buffer": lambda: io.BytesIO(path.read_bytes())}[kind]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = _outcome(lambda: m.load(src(), mmap=True, weights_only=False))
        res.append(got if got[0] != "ok" else ("ok", got[1].tolist()))
    assert res[0] == res[1]


# ---- stft / istft warnings --------------------------------------------------------------------------
STFT_CASES = {
    "stft-real": ("torch.stft(torch.ones(64), 16, window=torch.hann_window(16), return_complex=False)"),
    "istft-length": ("torch.istft(torch.stft(torch.ones(64), 16, window=torch.hann_window(16), return_complex=True), "
                     "16, window=torch.hann_window(16), length=100)"),
}


@pytest.mark.parametrize("key", sorted(STFT_CASES))
def test_stft_warning_text(key):
    # torch warns once per process: its message comes from a fresh interpreter
    code = ("import warnings, torch\nwarnings.simplefilter('always')\n"
            f"with warnings.catch_warnings(record=True) as r:\n    {STFT_CASES[key]}\n"
            "print(repr([(w.category.__name__, str(w.message)) for w in r]))")
    want = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    from glasstorch._user_warning import WARNED
    WARNED.discard(key)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        eval(STFT_CASES[key], {"torch": glasstorch})
    assert repr([(w.category.__name__, str(w.message)) for w in rec]) == want
