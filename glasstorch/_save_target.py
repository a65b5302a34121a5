"""Where ``torch.save`` writes: torch's checks of ``f`` and its ``PyTorchStreamWriter`` life cycle.

torch opens the archive *before* it pickles (``_open_zipfile_writer``), and its context manager
always finishes the archive (``writeEndOfFile``), even when pickling raised.  So a failed save
leaves a small valid zip behind (the file is created or truncated, a buffer receives it) that
holds only what ``writeEndOfFile`` adds to any archive: ``version`` when no version record was
written, ``byteorder`` when none was (so ``_disable_byteorder_record=True`` only moves it to the
end), and ``.data/serialization_id`` (``_serialization_id``).  A path is checked as the C++
writer checks it: its archive name (the base name up to its last dot; ``/`` and ``\\`` both
separate) must not be empty, its parent directory must exist, then the file is opened.  A path
that is not ASCII is opened by Python instead, and such an archive is named ``archive`` as a
buffer's is.  (``check_seekable`` is torch.load's check of a file object it is given.)
"""
import io
import os
import sys

from ._serialization_id import serialization_id
from ._zip_format import ZipWriter

_WHERE = "[enforce fail at inline_container.cc:{}] . "


def is_path(f):
    return isinstance(f, (str, os.PathLike))


def check_filelike(f):
    """torch's ``_check_save_filelike``, run before anything else."""
    if not is_path(f) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")


def check_seekable(f):
    """torch.load's ``_check_seekable`` of a file object: ``f.seek(f.tell())``, its error explained."""
    try:
        f.seek(f.tell())
    except (io.UnsupportedOperation, AttributeError) as e:
        if "seek" in str(e) or "tell" in str(e):
            raise type(e)(str(e) + ". You can only torch.load from a file that is seekable. Please pre-load the "
                          "data into a buffer like io.BytesIO and try to load from it instead.")
        raise


def _basename(name):
    start = max(name.rfind("/"), name.rfind("\\")) + 1
    base = name[start:]
    return base[:base.rfind(".")] if "." in base else base


def _parentdir(name):
    end = name.rfind("/")
    if end < 0:
        end = name.rfind("\\")
    return "" if end < 0 else name[:end]


class ArchiveTarget:
    """A context manager over the zip writer: ``write_record`` while open; on exit, with or without an
    exception, torch's end-of-file records, then the buffer's ``flush`` (or the file's close)."""

    def __init__(self, f):
        self.owned = False
        if is_path(f):
            name = os.fspath(f)
            try:
                name.encode("ascii")
            except UnicodeEncodeError:      # torch hands such a name to Python's open
                self.stream, self.owned, archive = open(name, "wb"), True, "archive"
            else:
                archive = _basename(name)
                if not archive:
                    raise RuntimeError(_WHERE.format(720) + f"invalid file name: {name}")
                parent = _parentdir(name)
                if parent and not os.path.isdir(parent):
                    raise RuntimeError(f"Parent directory {parent} does not exist.")
                try:
                    self.stream = open(name, "wb")
                except OSError as e:
                    raise RuntimeError(_WHERE.format(747) + f"open file failed with strerror: "
                                       f"{os.strerror(e.errno)}") from None
                self.owned = True
        else:
            if not callable(getattr(f, "write", None)):
                msg = f"Buffer of {str(type(f)).strip('<>')} has no callable attribute 'write'"
                raise (AttributeError if not hasattr(f, "write") else TypeError)(msg)
            self.stream, archive = f, "archive"
        from .utils.serialization import config
        self.zip = ZipWriter(self.stream, archive, config.save.compute_crc32, config.save.storage_alignment)
        self.written = []

    def write_record(self, name, data):
        self.zip.write_record(name, data)
        self.written.append(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            # writeEndOfFile: the records every archive ends with, then the central directory
            if "version" not in self.written and ".data/version" not in self.written:
                self.write_record("version", b"3\n")
            if "byteorder" not in self.written:
                self.write_record("byteorder", sys.byteorder.encode())
            sid = serialization_id([n.encode() for n in self.written], [e[1] for e in self.zip.entries if e[2]])
            self.write_record(".data/serialization_id", sid.encode())
            self.zip.close()
        finally:
            if self.owned:
                self.stream.close()
        if not self.owned:
            self.stream.flush()
        return False
