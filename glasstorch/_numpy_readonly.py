"""torch's warning for a tensor made to share a NumPy array that is not writable.

``torch.from_numpy``, ``torch.as_tensor`` and ``torch.asarray`` wrap the array's memory, which torch
cannot mark read-only, so the first such array (empty ones too) in the process gets a UserWarning (C++
TORCH_WARN_ONCE: later ones, from any of the three, stay silent).  ``torch.tensor`` copies and says
nothing; ``torch.frombuffer`` has its own once-only warning about buffers.
"""
from ._user_warning import warn_once

_MESSAGE = ("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This means "
            "writing to this tensor will result in undefined behavior. You may want to copy the array to protect "
            "its data or make it writable before converting it to a tensor. This type of warning will be suppressed "
            "for the rest of this program. (Triggered internally at "
            "/__w/pytorch/pytorch/torch/csrc/utils/tensor_numpy.cpp:213.)")


def check_writable(arr):
    """Warn once (at the user's line) when ``arr``, a NumPy array about to be shared, is read-only."""
    if not arr.flags.writeable:
        warn_once("numpy_not_writable", _MESSAGE)
