"""``torch.jit.save`` / ``torch.jit.load`` for glasstorch's eager script modules.

torch writes TorchScript code plus tensors; glasstorch has no TorchScript code to write, so its
archive (a zip in torch's container layout) holds a ``torch.save`` pickle of the original module (or
function) with what the wrappers add: each wrapper's training flag, the flags a trace baked in, and
the ``_extra_files``.  As with ``torch.save`` of a whole model, loading needs the module's class to
be importable, and the pickle runs code: load only archives you trust (TorchScript archives run
their code too).  Archives written by torch hold TorchScript code, which glasstorch cannot run: they
are refused with a message saying so.
"""
import io
import os
import warnings

from .._zip_format import ZipWriter, ZipReader
from ..nn.modules.module import Module
from . import _script
from ._script import ScriptModule, ScriptFunction, RecursiveScriptModule, _wrap

_MARK = "glasstorch_jit"          # the record that tells glasstorch's archives from torch's


class PlaceholderModule(Module):
    """What a saved ``ScriptFunction`` loads as (torch's name): a module whose forward is the function."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def _payload(m):
    if isinstance(m, ScriptFunction):
        return {"module": PlaceholderModule(m), "traced": False, "states": None}
    if not isinstance(m, ScriptModule):
        raise AttributeError(f"'{type(m).__name__}' object has no attribute 'save'")
    if "_gt_frozen" in m.__dict__:
        return {"module": m.__dict__["_gt_frozen"], "traced": False, "states": None, "frozen": True,
                "name": m.original_name, "preserved": m.__dict__.get("_gt_preserved", [])}
    if "_gt_orig" not in m.__dict__:          # a ScriptModule subclass of the user's: itself
        return {"module": m, "traced": False, "states": None}
    # each wrapper's own state, in the order the loaded wrappers will have
    states = [{k: w.__dict__[k] for k in ("_parameters", "_buffers", "_gt_attrs", "training")}
              for w in m.modules() if "_gt_orig" in w.__dict__]
    for st, w in zip(states, [w for w in m.modules() if "_gt_orig" in w.__dict__]):
        if "_gt_baked" in w.__dict__:
            st["_gt_baked"] = w.__dict__["_gt_baked"]
    return {"module": m.__dict__["_gt_orig"], "traced": "_gt_baked" in m.__dict__, "states": states}


def write_archive(m, f, extra_files):
    from ..serialization import save as torch_save
    payload = _payload(m)
    buf = io.BytesIO()
    _script._local.pickling = True
    try:
        torch_save(payload, buf)
    finally:
        _script._local.pickling = False
    if isinstance(f, (str, os.PathLike)):
        name = os.path.basename(os.fspath(f))
        archive = name[:name.rfind(".")] if "." in name else name
        with open(f, "wb") as out:
            _write(out, archive or "archive", buf.getbuffer(), extra_files)
    else:
        _write(f, "archive", buf.getbuffer(), extra_files)


def _write(f, archive, pickled, extra_files):
    z = ZipWriter(f, archive)
    z.write_record(_MARK, b"1")
    z.write_record("module.pt", pickled)
    for name, content in (extra_files or {}).items():
        z.write_record("extra/" + name, content.encode() if isinstance(content, str) else content)
    z.write_record("version", b"3\n")
    z.close()


def save(m, f, _extra_files=None):
    """``torch.jit.save(m, f)``: ``m.save(f)`` to a path, or its bytes written to a file object."""
    warnings.warn("`torch.jit.save` is deprecated. Please switch to `torch.export`.", DeprecationWarning)
    if _extra_files is None:
        _extra_files = {}
    if not isinstance(m, (ScriptModule, ScriptFunction)):
        method = "save" if isinstance(f, (str, os.PathLike)) else "save_to_buffer"
        raise AttributeError(f"'{type(m).__name__}' object has no attribute '{method}'")
    if isinstance(f, (str, os.PathLike)):
        m.save(f, _extra_files=_extra_files)
    else:
        f.write(m.save_to_buffer(_extra_files=_extra_files))


def _check_map_location(map_location):
    from .._device import device
    if isinstance(map_location, str):
        map_location = device(map_location)
    elif not (map_location is None or isinstance(map_location, device)):
        raise ValueError("map_location should be either None, string or torch.device, but got type: "
                         + str(type(map_location)))
    return map_location


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """``torch.jit.load``: a ``RecursiveScriptModule`` from an archive glasstorch's ``torch.jit.save`` wrote."""
    warnings.warn("`torch.jit.load` is deprecated. Please switch to `torch.export`.", DeprecationWarning)
    if isinstance(f, (str, os.PathLike)):
        if not os.path.exists(f):
            raise ValueError(f"The provided filename {f} does not exist")
        if os.path.isdir(f):
            raise ValueError(f"The provided filename {f} is a directory")
    map_location = _check_map_location(map_location)
    if _extra_files is None:
        _extra_files = {}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as opened:
            return _read(opened, map_location, _extra_files)
    return _read(io.BytesIO(f.read()), map_location, _extra_files)


def _read(f, map_location, extra_files):
    from ..serialization import load as torch_load
    z = ZipReader(f)
    if not z.has_record(_MARK):
        if z.has_record("constants.pkl") and any(r.startswith("code/") for r in z.get_all_records()):
            raise RuntimeError("torch.jit.load: this archive was written by PyTorch's TorchScript and holds "
                               "TorchScript code, which glasstorch cannot run (glasstorch emulates torch.jit "
                               "eagerly and reads only archives its own torch.jit.save wrote). Save the model's "
                               "state_dict with torch.save in PyTorch and load it into the Python model instead.")
        z.get_record("constants.pkl")           # torch's "failed locating file constants.pkl" error
    for name in extra_files:        # torch: b"" for a file the archive does not hold
        extra_files[name] = z.get_record("extra/" + name) if z.has_record("extra/" + name) else b""
    payload = torch_load(io.BytesIO(z.get_record("module.pt")), map_location=map_location, weights_only=False)
    module = payload["module"]
    if payload.get("frozen"):
        from ._freeze import frozen_wrapper
        return frozen_wrapper(module, payload["name"], payload.get("preserved", ()))
    if isinstance(module, ScriptModule):
        return module
    loaded = _wrap(module, RecursiveScriptModule, {})
    wrappers = [w for w in loaded.modules() if "_gt_orig" in w.__dict__]
    if payload["states"] is not None and len(payload["states"]) == len(wrappers):
        for w, state in zip(wrappers, payload["states"]):
            w.__dict__.update(state)
            if payload["traced"]:
                w.__dict__["_gt_hide"] = True       # a trace has kept no constants
    return loaded
