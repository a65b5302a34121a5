"""``torch.utils.tensorboard``: ``SummaryWriter`` logs scalars, histograms, images, text, hparams, PR
curves, embeddings and a model graph to event files that TensorBoard reads.

Like torch, this builds on the ``tensorboard`` package (its protobufs and its ``EventFileWriter``),
imported only here: glasstorch itself needs NumPy alone.  Without the package the import fails with
``ModuleNotFoundError: No module named 'tensorboard'``, as torch's does.
"""
import tensorboard


def _version_tuple(text):
    """``"2.21.0"`` -> ``(2, 21, 0)``; stops at the first part that is not a number (``"1.15rc0"``)."""
    parts = []
    for piece in str(text).split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    return tuple(parts)


if not hasattr(tensorboard, "__version__") or _version_tuple(tensorboard.__version__) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

del tensorboard

from .writer import FileWriter, SummaryWriter  # noqa: E402
from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
