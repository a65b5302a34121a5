"""``torch.PyTorchFileReader`` (``torch._C.PyTorchFileReader``): the record reader under torch.load.

Libraries read checkpoints record by record with it (lightning's lazy loader fetches ``data.pkl`` and
then each storage on demand).  It is the same reader ``torch.load`` uses (``_zip_format.ZipReader``),
so damage fails with the same messages; record names are relative to the archive folder.
"""
import errno
import os

from ._zip_format import ZipReader


class _Directory:
    """What C's ``fopen(dir, "rb")`` gives torch: it opens, seeking to the end reports a huge size
    (the filesystem's end-of-directory offset), and every read fails, so miniz finds no central
    directory.  Python's ``open`` would refuse with ``IsADirectoryError`` instead."""

    def __init__(self):
        self.pos = 0

    def tell(self):
        return self.pos

    def seek(self, pos, whence=0):
        self.pos = (1 << 63) - 1 if whence == 2 else pos
        return self.pos

    def read(self, n=-1):
        return b""

    def readinto(self, view):
        return 0


class PyTorchFileReader:
    """Opens a path (kept open, as torch's ``FileAdapter`` keeps its ``FILE*``) or reads a binary buffer."""

    def __init__(self, file):
        if isinstance(file, str):
            try:
                f = _Directory() if os.path.isdir(file) else open(file, "rb")
            except OSError as e:
                # torch's FileAdapter reports fopen's errno and strerror
                code = e.errno if e.errno is not None else errno.EIO
                raise RuntimeError(f"open file failed because of errno {code} on fopen: {os.strerror(code)}, "
                                   f"file path: {file}") from None
            self._file = f
        else:
            self._file = file
        self._reader = ZipReader(self._file)

    def get_record(self, name):
        return self._reader.get_record(name)

    def has_record(self, name):
        return self._reader.has_record(name)

    def get_all_records(self):
        return self._reader.get_all_records()

    def get_record_offset(self, name):
        return self._reader.record_offset(name)

    def get_record_size(self, name):
        return self._reader._stat(name).size

    def serialization_id(self):
        sid = self._reader.serialization_id
        return "" if sid is None else sid.decode()
