"""safetensors files for glasstorch tensors, with the API of ``safetensors.torch``.

PyTorch users write ``from safetensors.torch import save_file, load_file``; glasstorch users write
``from glasstorch.utils.safetensors import save_file, load_file`` (the same functions and errors).
The bytes go through the ``safetensors`` package's NumPy API, so a file written here loads with
``safetensors.torch.load_file`` and the other way round.  A safetensors file is a JSON header
(name -> dtype, shape, byte range) and then the raw little-endian data: it holds only tensors, so
loading one can run no code.  ``glasstorch.load("x.safetensors")`` reads one too, as torch does.

Needs ``pip install safetensors``.
"""
import numpy as np

from .._tensor import Tensor, _wrap

__all__ = ["save", "save_file", "load", "load_file", "save_model", "load_model"]


def _numpy_api():
    try:
        import safetensors.numpy
    except ImportError:
        raise RuntimeError("Attempting to load a safetensors file but safetensors is not installed. "
                           "Please install safetensors with: pip install safetensors") from None
    return safetensors.numpy


def _storage_root(arr):
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return id(arr)


def _arrays(tensors):
    """Check the dict as ``safetensors.torch`` does and return ``{name: ndarray}``."""
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    groups = {}
    for k, v in tensors.items():
        if not isinstance(v, Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected torch.Tensor but received {type(v)}")
        if v._data.size:
            groups.setdefault(_storage_root(v._data), []).append(k)
    failing = [set(names) for names in groups.values() if len(names) > 1]
    if failing:
        raise RuntimeError(
            f"Some tensors share memory, this will lead to duplicate memory on disk and potential differences "
            f"when loading them again: {failing}. A potential way to correctly save your model is to use "
            "`save_model`. More information at https://huggingface.co/docs/safetensors/torch_shared_tensors")
    out = {}
    for k, v in tensors.items():
        if not v.is_contiguous():
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. It either means you "
                "are trying to save tensors which are reference of each other in which case it's recommended to "
                "save only the full tensors, and reslice at load time, or simply call `.contiguous()` on your "
                "tensor to pack it before saving.")
        out[k] = v._data
    return out


def _tensors(arrays):
    # the NumPy API may hand back read-only views of its buffer; tensors must be writable
    return {k: _wrap(a if a.flags.writeable else a.copy()) for k, a in arrays.items()}


def save(tensors, metadata=None):
    """The safetensors bytes of a ``{name: tensor}`` dict."""
    return _numpy_api().save(_arrays(tensors), metadata=metadata)


def save_file(tensors, filename, metadata=None):
    """Write a ``{name: tensor}`` dict to ``filename``; ``metadata`` is a ``{str: str}`` dict."""
    _numpy_api().save_file(_arrays(tensors), filename, metadata=metadata)


def load(data):
    """``{name: tensor}`` from safetensors bytes."""
    return _tensors(_numpy_api().load(data))


def load_file(filename, device="cpu"):
    """``{name: tensor}`` from a safetensors file (CPU only)."""
    if str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(f"glasstorch only has the CPU; cannot load onto {device!r}")
    return _tensors(_numpy_api().load_file(filename))


def save_model(model, filename, metadata=None, force_contiguous=True):
    """Save ``model.state_dict()``, keeping one name of each group of tensors that share memory."""
    state, seen = {}, {}
    for name, t in model.state_dict().items():
        key = (_storage_root(t._data), t._data.__array_interface__["data"][0], t._data.shape)
        if key in seen and t._data.size:
            metadata = dict(metadata or {})
            metadata.setdefault(name, seen[key])
            continue
        seen[key] = name
        state[name] = t.contiguous() if force_contiguous else t
    try:
        save_file(state, filename, metadata=metadata)
    except ValueError as e:
        raise ValueError(str(e) + " Or use save_model(..., force_contiguous=True), read the docs for potential "
                         "caveats.") from None


def load_model(model, filename, strict=True, device="cpu"):
    """Load a file into ``model`` (``load_state_dict``); returns ``(missing, unexpected)`` names."""
    state = load_file(filename, device=device)
    result = model.load_state_dict(state, strict=False)
    missing, unexpected = list(result.missing_keys), list(result.unexpected_keys)
    missing = [m for m in missing if m not in _metadata_aliases(filename)]
    if strict and (missing or unexpected):
        lines = []
        if unexpected:
            lines.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected))
        if missing:
            lines.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
        raise RuntimeError(f"Error(s) in loading state_dict for {type(model).__name__}:\n\t" + "\n\t".join(lines))
    return missing, unexpected


def _metadata_aliases(filename):
    """Names ``save_model`` dropped as duplicates (it records them in the file's metadata)."""
    from safetensors import safe_open
    with safe_open(filename, framework="numpy") as f:
        return set((f.metadata() or {}).keys())
