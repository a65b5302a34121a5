"""``torch.ops.load_library(path)`` and ``torch.ops.loaded_libraries``.

torch opens the shared library with ``ctypes.CDLL`` so that its static initialisers register C++
operators with the dispatcher, and turns a failure into ``OSError("Could not load this library:
<path>")`` raised from ctypes' own error (programs such as torchvision catch it and carry on without
their compiled ops).  glasstorch does the same open, with the same error.  A library that opens
cannot hand glasstorch any operators (glasstorch has no C++ dispatcher), so none appear in
``torch.ops``.

A C++ extension built for torch links against libtorch and so never opens here: after such a
failure the program goes on without the library's operators, as it would on torch, but then
registers Python pieces (fake kernels) for operators that torch would have had from the library.
``failed`` notes that a load failed, so that ``torch.library.register_fake`` can keep such a
registration instead of refusing it (see ``_library_missing``).
"""
import ctypes
import os

loaded_libraries = set()
failed = []          # the paths that could not be opened, in order


def load_library(path):
    """Open the shared library at ``path`` (made absolute and resolved, as torch's
    ``resolve_library_path`` does) and add it to ``loaded_libraries``."""
    path = os.path.realpath(path)
    try:
        ctypes.CDLL(path)
    except Exception as e:
        failed.append(path)
        raise OSError(f"Could not load this library: {path}") from e
    loaded_libraries.add(path)
