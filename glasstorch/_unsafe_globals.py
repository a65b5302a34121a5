"""``torch.serialization.get_unsafe_globals_in_checkpoint``: the pickle GLOBALs of a checkpoint that a
``weights_only=True`` load would refuse, found by reading the opcodes without running any of them.

The scan is torch's ``get_globals_in_pkl``: only the opcodes of a protocol-2 ``torch.save`` pickle
are understood (anything else is ``UnpicklingError("Unsupported operand N")``, a protocol-4 FRAME
included), and each name goes through ``_compat_pickle``'s Python-2 mappings.  "Safe" means torch's
default allowlist (``_get_allowed_globals``: glasstorch's loadable globals plus the names torch
allows but glasstorch cannot build, such as ``torch.cuda.FloatTensor`` or ``torch.float8_e5m2``)
and the user's ``add_safe_globals``.  The answer is ``list(found - safe)`` of Python sets, as in
torch, so its order is Python's set order for those strings.
"""
import io
import os
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from pickle import UnpicklingError
from struct import unpack

from . import _serialization_globals as G

_KINDS = ("BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short")
_EXTRA_DTYPES = ("bfloat16", "bits16", "bits1x8", "bits2x4", "bits4x2", "bits8", "complex32", "float4_e2m1fn_x2",
                 "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
                 "uint16", "uint32", "uint64") + tuple(f"{u}int{n}" for u in ("", "u") for n in range(1, 8))
# what torch allows by name beyond the globals glasstorch can load: its legacy tensor classes (CPU,
# CUDA, sparse), its CUDA storages, TypedStorage and the dtypes glasstorch lacks
_TORCH_ONLY = frozenset(
    [f"torch.{k}Tensor" for k in _KINDS] + [f"torch.cuda.{k}Tensor" for k in _KINDS]
    + [f"torch.{p}sparse.{k}Tensor" for p in ("", "cuda.") for k in _KINDS if k != "Bool"]
    + [f"torch.cuda.{k}Storage" for k in _KINDS + ("ComplexDouble", "ComplexFloat")]
    + ["torch.storage.TypedStorage"] + [f"torch.{d}" for d in _EXTRA_DTYPES])

# opcode -> bytes of argument that follow it (torch's op_to_bytes_to_read)
_FIXED = {op: 0 for op in b"\x81Rbaesu(t\x85\x86\x87N\x89\x88)]}\x8fQ"}
_FIXED.update({ord("J"): 4, ord("K"): 1, ord("M"): 2, ord("G"): 8, ord("h"): 1, ord("j"): 4, ord("q"): 1,
               ord("r"): 4})


def get_globals_in_pkl(file):
    """The ``"module.name"`` of every GLOBAL opcode in the pickle, as a set."""
    found = set()
    read, readline = file.read, file.readline
    while True:
        key = read(1)
        if not key:
            raise EOFError
        op = key[0]
        if op == ord("c"):                                  # GLOBAL
            module = readline()[:-1].decode("utf-8")
            name = readline()[:-1].decode("utf-8")
            if (module, name) in NAME_MAPPING:
                module, name = NAME_MAPPING[(module, name)]
            elif module in IMPORT_MAPPING:
                module = IMPORT_MAPPING[module]
            found.add(f"{module}.{name}")
        elif op in _FIXED:
            if _FIXED[op]:
                read(_FIXED[op])
        elif op == ord("X"):                                # BINUNICODE
            n = unpack("<I", read(4))[0]
            if n > 2 ** 63 - 1:
                raise UnpicklingError("String is too long")
            read(n)
        elif op in (ord("U"), 0x8A):                        # SHORT_BINSTRING, LONG1
            read(read(1)[0])
        elif op == 0x80:                                    # PROTO
            read(1)
        elif op == ord("."):                                # STOP
            return found
        else:
            raise UnpicklingError(f"Unsupported operand {op}")


def get_unsafe_globals_in_checkpoint(f):
    """The GLOBALs in ``f`` (a path or a binary file holding a ``torch.save`` checkpoint) that are not
    allowlisted for ``weights_only`` loading, as ``"module.name"`` strings."""
    from ._pickle_safe import _user_table
    from ._save_target import check_seekable
    from ._zip_format import ZipReader
    safe = (set(G.TORCH_GLOBALS) | _TORCH_ONLY).union(set(_user_table()))
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as opened:
            return _scan(opened, safe, ZipReader)
    check_seekable(f)
    return _scan(f, safe, ZipReader)


def _scan(f, safe, reader):
    start = f.tell()
    is_zip = f.read(4) == b"PK\x03\x04"
    f.seek(start)
    if not is_zip:
        raise ValueError("Expected input to be a checkpoint returned by torch.save")
    z = reader(f)
    if "constants.pkl" in z.get_all_records():
        raise ValueError("Expected input to be a checkpoint returned by torch.save but got a torchscript checkpoint")
    return list(get_globals_in_pkl(io.BytesIO(z.get_record("data.pkl"))).difference(safe))
