"""The zip container of ``torch.save``: a writer laid out byte for byte as torch's (miniz) and a reader.

A checkpoint is an uncompressed ("stored") zip archive whose records all sit in one folder, the
*archive name* (the file's base name without extension, or ``archive`` for a buffer)::

    archive/data.pkl              the pickled object; tensors point at storages by key
    archive/.format_version       "1": storages are numbered 0, 1, 2 ... in the order written
    archive/.storage_alignment    "64"
    archive/byteorder             "little" (or "big")
    archive/data/0, data/1 ...    the raw bytes of each storage
    archive/version               "3\\n"
    archive/.data/serialization_id

Every record's data starts on a 64-byte boundary: the local header carries an extra field ``FB``
filled with ``Z`` up to the boundary, so a reader can ``mmap`` a storage in place.  As miniz does,
the local header leaves CRC and sizes 0 and a data descriptor follows the data; the zip64 end
records are always written.  Torch reads neither the CRCs nor the descriptors back, but keeping the
layout identical keeps ``torch.load(..., mmap=True)``'s offset arithmetic right.

Any damage the reader finds is a ``RuntimeError`` in torch's words ("PytorchStreamReader failed
..."), which is what torch's C++ reader raises.
"""
import re
import struct
import zipfile
import zlib

ALIGNMENT = 64
_U32 = 0xFFFFFFFF
_LOCAL = struct.Struct("<IHHHHHIIIHH")          # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")   # central directory header, 46 bytes


class ZipWriter:
    """Writes records one after another to a binary file object, then the central directory."""

    def __init__(self, f, archive_name):
        self.f = f
        self.prefix = archive_name + "/"
        self.pos = 0                   # bytes written so far (f may not be seekable)
        self.entries = []              # (name bytes, crc, size, header offset)

    def write_record(self, name, data):
        """Write one stored record; ``data`` is bytes or any contiguous buffer (no copy made)."""
        name_b = (self.prefix + name).encode()
        view = memoryview(data).cast("B")
        size = view.nbytes
        offset = self.pos
        zip64 = size >= _U32 or offset >= _U32
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        start = offset + _LOCAL.size + len(name_b) + len(extra) + 4
        pad = -start % ALIGNMENT
        extra += b"FB" + struct.pack("<H", pad) + b"Z" * pad
        header = _LOCAL.pack(0x04034B50, 45 if zip64 else 0, 0x0808, 0, 0, 0, 0,
                             _U32 if zip64 else 0, _U32 if zip64 else 0, len(name_b), len(extra))
        crc = zlib.crc32(view)
        descriptor = (struct.pack("<IIQQ", 0x08074B50, crc, size, size) if zip64
                      else struct.pack("<IIII", 0x08074B50, crc, size, size))
        self._write(header + name_b + extra)
        self._write(view)
        self._write(descriptor)
        self.entries.append((name_b, crc, size, offset))

    def close(self):
        """The central directory, then the zip64 end record and locator, then the classic end record."""
        cd_start = self.pos
        for name_b, crc, size, offset in self.entries:
            big = size >= _U32 or offset >= _U32
            extra = struct.pack("<HHQQQ", 1, 24, size, size, offset) if big else b""
            self._write(_CENTRAL.pack(0x02014B50, 0, 45 if big else 0, 0x0808, 0, 0, 0, crc,
                                      _U32 if big else size, _U32 if big else size, len(name_b),
                                      len(extra), 0, 0, 0, 0, _U32 if big else offset) + name_b + extra)
        cd_size, n = self.pos - cd_start, len(self.entries)
        eocd64 = self.pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32), min(cd_start, _U32), 0))

    def _write(self, b):
        self.f.write(b)
        self.pos += len(b) if isinstance(b, bytes) else b.nbytes


class ZipReader:
    """Reads records of a torch zip checkpoint from a seekable binary file object.

    The central directory is parsed by :mod:`zipfile`; record data is read straight from the file
    into the caller's buffer (``read_into``), so a storage costs one allocation and no copies.
    """

    def __init__(self, f):
        self.f = f
        try:
            self.zf = zipfile.ZipFile(f)
            infos = self.zf.infolist()
        except UnicodeDecodeError:      # a record name that is not UTF-8: torch fails decoding it too
            raise
        except Exception as e:          # zipfile raises BadZipFile, struct.error, ValueError ...
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {_zip_reason(e)}") from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: no records in archive")
        f.seek(0, 2)
        file_size = self.file_size = f.tell()
        for i in infos:           # the central directory checks miniz makes before reading anything
            if i.volume != 0:
                raise RuntimeError("PytorchStreamReader failed reading zip archive: unsupported multidisk archive")
            if i.flag_bits & 0x2061:          # encrypted, patched or masked records
                raise RuntimeError("PytorchStreamReader failed reading zip archive: unsupported encryption")
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise RuntimeError("PytorchStreamReader failed reading zip archive: unsupported method")
            if (i.compress_type == zipfile.ZIP_STORED and i.compress_size != i.file_size) or i.header_offset < 0 \
                    or i.header_offset + _LOCAL.size + i.compress_size > file_size:
                raise RuntimeError("PytorchStreamReader failed reading zip archive: invalid header or archive "
                                   "is corrupted")
        _check_end_records(f, file_size)
        first = infos[0].filename
        self.prefix = first[:first.index("/") + 1] if "/" in first else None
        for i in infos:
            if self.prefix is None or not i.filename.startswith(self.prefix):
                raise RuntimeError(f"PytorchStreamReader failed reading zip archive: file in archive is not in a "
                                   f"subdirectory {self.prefix or first}: {i.filename}")
        self.infos = {i.filename[len(self.prefix):]: i for i in infos}
        # torch's reader reads and parses the version record (and the serialization id) up front
        version_name = ".data/version" if ".data/version" in self.infos else "version"
        version = self.get_record(version_name)
        if not re.match(rb"\s*[+-]?\d", version):     # parsed like C's strtoll: leading digits suffice
            raise RuntimeError(f"PytorchStreamReader: couldn't parse the version {version!r} as Long Long")
        if ".data/serialization_id" in self.infos:
            self.get_record(".data/serialization_id")

    def has_record(self, name):
        return name in self.infos

    def record_names(self):
        return list(self.infos)

    def get_record(self, name):
        """The record's bytes."""
        info = self._info(name)
        buf = bytearray(info.file_size)
        self.read_into(name, memoryview(buf))
        return bytes(buf)

    def record_size(self, name):
        return self._info(name).file_size

    def read_into(self, name, out):
        """Fill the writable buffer ``out`` (exactly the record's size) with the record's data."""
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED:      # torch never compresses; others may
            try:
                data = self.zf.read(info)
            except Exception as e:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {_zip_reason(e)}") from None
            memoryview(out).cast("B")[:] = data
            return
        f = self.f
        f.seek(self.data_offset(name))
        view = memoryview(out).cast("B")
        got = 0
        while got < view.nbytes:          # readinto may return short counts on pipes and sockets
            n = f.readinto(view[got:])
            if not n:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: file read failed")
            got += n

    def data_offset(self, name):
        """Where the record's data starts in the file (after its local header)."""
        info = self._info(name)
        self.f.seek(info.header_offset)
        header = self.f.read(_LOCAL.size)
        if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header or archive "
                               "is corrupted")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        start = info.header_offset + _LOCAL.size + name_len + extra_len
        if start + info.compress_size > self.file_size:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header or archive "
                               "is corrupted")
        return start

    def _info(self, name):
        info = self.infos.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        return info


def _check_end_records(f, file_size):
    """miniz refuses archives whose end records claim more than one disk; zipfile does not look."""
    if file_size < 22 + 20:
        return
    f.seek(file_size - 22)
    eocd = f.read(22)
    if eocd[:4] != b"PK\x05\x06":
        return                                    # an archive comment; zipfile found the record already
    this_disk, cd_disk, on_disk, total = struct.unpack("<HHHH", eocd[4:12])
    f.seek(file_size - 22 - 20)
    locator = f.read(20)
    if locator[:4] == b"PK\x06\x07":
        eocd64_at, disks = struct.unpack("<QI", locator[8:20])
        if disks != 1:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: unsupported multidisk archive")
        f.seek(eocd64_at)
        eocd64 = f.read(56)
        if len(eocd64) == 56 and eocd64[:4] == b"PK\x06\x06":
            this_disk, cd_disk, on_disk, total = struct.unpack("<IIQQ", eocd64[16:40])
            if total > _U32:
                raise RuntimeError("PytorchStreamReader failed reading zip archive: too many files")
    if on_disk != total or ((this_disk | cd_disk) != 0 and (this_disk != 1 or cd_disk != 1)):
        raise RuntimeError("PytorchStreamReader failed reading zip archive: unsupported multidisk archive")


def _zip_reason(e):
    text = str(e)
    if "central directory" in text or "not a zip file" in text.lower():
        return "failed finding central directory"
    return text or type(e).__name__
