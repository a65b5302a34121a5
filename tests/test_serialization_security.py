"""weights_only loading refuses code, and damaged files fail the way torch's do.

Every malicious file, if any of its code ran, would create a sentinel file; each test checks the
sentinel is absent.  For damaged files the expectation is whatever real torch 2.13 raises for the
same bytes, computed at test time: the same exception type, and for the zip container's errors the
same message.  The one exception is a file whose damage makes torch read memory it never wrote
(see ``ZipReader.uninitialized``): what torch does next depends on that memory.
"""
import io
import os
import pickle
import random
import struct
import zipfile
from unittest import mock

import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import glasstorch as gt
from glasstorch import _serialization_globals as G, serialization as gser
from glasstorch._zip_format import ZipWriter


# ---- building hostile checkpoints ------------------------------------------------------------------
def zip_with_pickle(pickled, extra_records=()):
    """A well-formed torch checkpoint whose data.pkl is ``pickled``."""
    buf = io.BytesIO()
    z = ZipWriter(buf, "archive")
    z.write_record("data.pkl", pickled)
    z.write_record(".format_version", b"1")
    z.write_record("byteorder", b"little")
    for name, data in extra_records:
        z.write_record(name, data)
    z.write_record("version", b"3\n")
    z.close()
    return buf.getvalue()


def global_call(module, name, *args):
    """A protocol-2 pickle that calls ``module.name(*args)`` (strings only) when loaded."""
    out = b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"("
    for a in args:
        out += pickle.dumps(a, protocol=2)[2:-1]
    return out + b"tR."


class _Payload:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


class Unknown:
    def __init__(self):
        self.x = 1


def payloads(sentinel):
    cmd = f"touch {sentinel}"
    code = f"open({str(sentinel)!r}, 'w').close()"
    import subprocess
    return {
        "os.system": pickle.dumps(_Payload(os.system, (cmd,)), protocol=2),
        "posix.system": global_call("posix", "system", cmd),
        "builtins.eval": pickle.dumps(_Payload(eval, (code,)), protocol=2),
        "builtins.exec": global_call("builtins", "exec", code),
        "__builtin__.eval": global_call("__builtin__", "eval", code),
        "subprocess.call": pickle.dumps(_Payload(subprocess.call, (["touch", str(sentinel)],)), protocol=2),
        "subprocess.Popen": global_call("subprocess", "Popen", cmd),
        "getattr": global_call("builtins", "getattr", "x", "y"),
        "unknown class": pickle.dumps({"w": Unknown()}, protocol=2),
        "reduce in tensor dict": pickle.dumps({"w": [1, _Payload(os.system, (cmd,))]}, protocol=2),
        "protocol 0 INST": f"(i os\nsystem\nS'{cmd}'\n.".encode(),
        "protocol 4": pickle.dumps(_Payload(os.system, (cmd,)), protocol=4),
        "persistent id payload": b"\x80\x02" + global_call("os", "system", cmd)[2:-1] + b"Q.",
    }


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("container", ["zip", "raw pickle"])
def test_code_never_runs(tmp_path, container):
    sentinel = tmp_path / "pwned"
    for name, pickled in payloads(sentinel).items():
        data = zip_with_pickle(pickled) if container == "zip" else pickled
        f = tmp_path / "evil.pt"
        f.write_bytes(data)
        with pytest.raises(pickle.UnpicklingError) as ours:
            gser.load(f)
        assert not sentinel.exists(), name
        with pytest.raises(pickle.UnpicklingError):
            torch.load(f)
        assert not sentinel.exists(), name
        assert "Weights only load failed" in str(ours.value), name


def test_unknown_global_message_guides_like_torch(tmp_path):
    f = tmp_path / "m.pt"
    f.write_bytes(zip_with_pickle(pickle.dumps({"w": Unknown()}, protocol=2)))
    with pytest.raises(pickle.UnpicklingError, match="add_safe_globals") as ours:
        gser.load(f)
    assert "Unknown" in str(ours.value)


def test_out_of_bounds_view_is_refused(tmp_path):
    """A tensor whose strides reach past its storage must not read foreign memory."""
    t = torch.arange(4.)
    buf = io.BytesIO()
    torch.save(t, buf)
    raw = buf.getvalue()
    z = zipfile.ZipFile(io.BytesIO(raw))
    pkl = z.read("archive/data.pkl")
    # the size tuple (4,) -> (4000,): same pickle length, stride 1, storage of 4 floats
    evil = pkl.replace(b"K\x04\x85", b"M\xa0\x0f\x85", 1)
    assert evil != pkl
    f = tmp_path / "oob.pt"
    f.write_bytes(zip_with_pickle(evil, [("data/0", z.read("archive/data/0"))]))
    with pytest.raises(RuntimeError) as theirs:
        torch.load(f)
    with pytest.raises(type(theirs.value), match="out of bounds"):
        gser.load(f)


# ---- damaged files: the same outcome as torch ----------------------------------------------------
def load_both(data, lead=b""):
    """(ours, theirs, uninitialized): each a result or an exception; ``lead`` bytes precede the archive."""
    readers = []

    class Spy(gser.ZipReader):
        def __init__(self, f):
            readers.append(self)
            super().__init__(f)

    out = []
    for load in (gser.load, torch.load):
        f = io.BytesIO(lead + data)
        f.seek(len(lead))
        try:
            with mock.patch.object(gser, "ZipReader", Spy):
                out.append(load(f))
        except Exception as e:  # noqa: BLE001 -- compared below
            out.append(e)
    return out[0], out[1], any(getattr(r, "uninitialized", None) for r in readers)


def same_result(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        return isinstance(ours, gt.Tensor) and str(ours.dtype) == str(theirs.dtype) \
            and tuple(ours.shape) == tuple(theirs.shape) and ours.requires_grad == theirs.requires_grad \
            and ours._data.tobytes() == theirs.detach().numpy().tobytes()
    if isinstance(theirs, torch.storage.TypedStorage):       # a pickle that returns a bare storage
        return isinstance(ours, G.Storage) and ours.array.tobytes() == bytes(theirs._untyped_storage.tolist())
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and list(ours) == list(theirs) and all(same_result(ours[k], theirs[k])
                                                                             for k in theirs)
    if isinstance(theirs, (list, tuple)):
        return type(ours) is type(theirs) and len(ours) == len(theirs) \
            and all(same_result(a, b) for a, b in zip(ours, theirs))
    return type(ours) is type(theirs) and (ours == theirs or ours != ours and theirs != theirs)    # NaN


def assert_agree(data, label="", lead=b""):
    ours, theirs, uninitialized = load_both(data, lead)
    if uninitialized:           # torch went on with uninitialised memory: any outcome is possible
        return ours, theirs
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), (label, repr(ours)[:300], repr(theirs)[:300])
        if "PytorchStreamReader" in str(theirs):
            assert str(ours) == str(theirs), label
    else:
        assert not isinstance(ours, Exception) and same_result(ours, theirs), (label, repr(ours)[:300])
    return ours, theirs


def valid_checkpoint():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.).reshape(2, 3), "b": torch.ones(2, dtype=torch.int64), "n": 3}, buf)
    return buf.getvalue()


def test_empty_file():
    assert_agree(b"", "empty")


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes(seed):
    rng = random.Random(seed)
    assert_agree(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))), f"random {seed}")


def test_random_bytes_after_zip_magic():
    rng = random.Random(7)
    assert_agree(b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500)), "PK + random")


def test_zeros_and_plain_pickles():
    assert_agree(bytes(1000), "zeros")
    assert_agree(pickle.dumps([1, 2, 3], protocol=2), "plain pickle")
    assert_agree(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2), "legacy magic only")


def test_truncated_everywhere():
    data = valid_checkpoint()
    for n in sorted({0, 1, 4, 30, 64, 200, len(data) // 2, len(data) - 100, len(data) - 23, len(data) - 1}):
        assert_agree(data[:n], f"truncated at {n}")


def test_structurally_corrupted():
    data = valid_checkpoint()
    z = zipfile.ZipFile(io.BytesIO(data))
    pkl = z.read("archive/data.pkl")
    start = data.index(pkl)
    cases = {
        "no central directory": data[:data.rindex(b"PK\x01\x02")],
        "pickle opcode garbage": data[:start + 2] + b"\xff" + data[start + 3:],
        "pickle STOP removed": data.replace(b"u.PK", b"uuPK", 1),
        "bad byteorder": data.replace(b"little", b"LITTLE", 1),
        "missing storage record": data.replace(b"archive/data/1", b"archive/data/9"),
        "not in a folder": data.replace(b"archive/", b"archive_"),
    }
    for label, bad in cases.items():
        assert len(bad) > 0
        assert_agree(bad, label)


# ---- the zip container: torch's reader (miniz), field by field -----------------------------------
def central_entries(data):
    """{name: offset of its central directory entry}."""
    out, at = {}, data.index(b"PK\x01\x02")
    while data[at:at + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack_from("<HHH", data, at + 28)
        out[data[at + 46:at + 46 + n]] = at
        at += 46 + n + e + c
    return out


def patched(data, at, fmt, *values):
    out = bytearray(data)
    struct.pack_into(fmt, out, at, *values)
    return bytes(out)


def test_crc_is_not_checked():
    data = valid_checkpoint()
    storage = zipfile.ZipFile(io.BytesIO(data)).read("archive/data/0")
    bad = data.replace(storage, b"\x01" + storage[1:], 1)
    ours, theirs = assert_agree(bad, "storage byte flipped")
    assert not isinstance(theirs, Exception)


def test_container_messages_are_torchs():
    data = valid_checkpoint()
    ours, _ = assert_agree(data[:-1], "end record cut")
    assert str(ours).startswith("PytorchStreamReader failed reading zip archive: failed finding central directory")
    cd = central_entries(data)
    for name, (off, fmt, value) in {b"archive/data.pkl": (10, "<H", 9), b"archive/byteorder": (8, "<H", 0x0809),
                                    b"archive/data/1": (8, "<H", 0x0828), b"archive/version": (34, "<H", 7),
                                    b"archive/data/0": (20, "<I", 25), b"archive/.format_version": (42, "<I", 1)
                                    }.items():
        assert_agree(patched(data, cd[name] + off, fmt, value), f"{name} +{off}")
    # flagged as a directory, a record is "read" without reading: torch's buffer stays uninitialised
    ours, theirs, uninitialized = load_both(patched(data, cd[b"archive/data/1"] + 38, "<I", 0x10))
    assert uninitialized and ours["b"].tolist() == [0, 0] and same_result(ours["w"], theirs["w"])


def archive(*records):
    buf = io.BytesIO()
    z = ZipWriter(buf, "archive")
    for name, data in records:
        z.write_record(name, data)
    z.close()
    return buf.getvalue()


def test_versions_parse_like_stoull():
    pkl = ("data.pkl", pickle.dumps({"n": 1}, protocol=2))
    for version in [b"abc", b"", b" 3", b"+3", b"-3", b"0", b"10", b"11", b"3\x00x", b"\x003", b"0x3", b"\xff",
                    b"99999999999999999999999", b"18446744073709551615", b"-18446744073709551615"]:
        assert_agree(archive(pkl, ("version", version)), version)
    assert_agree(archive(pkl), "no version")
    for sid in (b"1234", b"\xff\xfe"):        # torch.load ends by decoding the serialization id
        assert_agree(archive(pkl, ("version", b"3\n"), (".data/serialization_id", sid)), sid)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_names_case_duplicates_and_archive_folder():
    """miniz looks names up case-insensitively, by binary search over its own heap sort: with
    duplicates, which one it finds is neither simply the first nor the last."""
    for names in (["a/Data.pkl", "a/DATA.PKL", "a/data.pkl", "a/VERSION"], ["a/VERSION", "a/DATA.PKL", "a/DATA.PKL",
                  "a/DATA.PKL"], ["a/data.pkl", "a/data.pkl", "a/Data.pkl", "a/VERSION", "a/version", "a/data.pkl"],
                  ["data.pkl", "version"], ["a/data.pkl", "a/version", "b/x"], ["a/version", "A/data.pkl"]):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for i, name in enumerate(names):
                z.writestr(name, b"3\n" if "version" in name.lower() else pickle.dumps({"i": i}, protocol=2))
        assert_agree(buf.getvalue(), names)


def test_deflated_records_and_leading_bytes():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(5.)}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
    ours, theirs = assert_agree(out.getvalue(), "deflated")
    assert not isinstance(theirs, Exception)
    assert_agree(out.getvalue(), "after 100 bytes", lead=bytes(100))
    big = io.BytesIO()
    torch.save({f"t{i}": torch.arange(float(i)) for i in range(40)}, big)
    for cut in (1, 30):     # no end record in a 4-68 KiB file: miniz's backward scan runs past the start
        ours, _ = assert_agree(big.getvalue()[:-cut], f"cut {cut}")     # and seeks to a negative offset
        assert isinstance(ours, ValueError)


# ---- fuzzing: mutated checkpoints never hang, crash, run code, or differ from torch --------------
ALLOWED = (RuntimeError, pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError, TypeError,
           UnicodeDecodeError, AssertionError, AttributeError, OverflowError, MemoryError, struct.error)
_BASES = {}


def fuzz_base(kind, sentinel):
    if kind not in _BASES:
        if kind == "valid":
            _BASES[kind] = valid_checkpoint()
        else:    # a hostile checkpoint: tensors plus a call to os.system that must never run
            pkl = pickle.dumps({"w": [1, 2.5, _Payload(os.system, (f"touch {sentinel}",))]}, protocol=2)
            _BASES[kind] = zip_with_pickle(pkl)
    return _BASES[kind]


def mutate(data, edits, how):
    data = bytearray(data)
    for where, byte in edits:
        i = int(where * len(data))
        if how == "flip":
            data[i] = byte
        elif how == "insert":
            data[i:i] = bytes([byte])
        else:
            del data[i:]
            break
    return bytes(data)


@settings(max_examples=int(os.environ.get("GT_FUZZ_EXAMPLES", "80")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["valid", "hostile"]),
       st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=4),
       st.sampled_from(["flip", "truncate", "insert"]))
def test_fuzz_mutated_checkpoints(tmp_path_factory, kind, edits, how):
    sentinel = tmp_path_factory.getbasetemp() / "fuzz_pwned"
    data = mutate(fuzz_base(kind, sentinel), edits, how)
    ours, _ = assert_agree(data, (kind, how, edits))
    assert not sentinel.exists(), (kind, how, edits)
    assert not isinstance(ours, Exception) or isinstance(ours, ALLOWED), repr(ours)
