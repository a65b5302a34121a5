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
the local header leaves CRC and sizes 0 and a data descriptor follows the data (not after an
empty record, whose flags then do not announce one); the zip64 end
records are always written.  Torch reads neither the CRCs nor the descriptors back, but keeping the
layout identical keeps ``torch.load(..., mmap=True)``'s offset arithmetic right.

``ZipReader`` is torch's ``PyTorchStreamReader`` (the archive name, the version check, records by
name) over ``_zip_reader.Archive`` (miniz): damage fails with the exception and message torch gives
("PytorchStreamReader failed ...").
"""
import os
import struct
import zlib

import numpy as np

from ._zip_reader import Archive, NOT_FOUND, MIN_VERSION, MAX_VERSION, _HINT, _MinizError, _c_message

ALIGNMENT = 64
_U32 = 0xFFFFFFFF
_LOCAL = struct.Struct("<IHHHHHIIIHH")          # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")   # central directory header, 46 bytes


def _flags(size):
    # UTF-8 names; miniz announces (and writes) a data descriptor only after a non-empty record
    return 0x0808 if size else 0x0800


class ZipWriter:
    """Writes records one after another to a binary file object, then the central directory."""

    def __init__(self, f, archive_name, compute_crc32=True, alignment=ALIGNMENT):
        self.f = f
        self.prefix = archive_name + "/"
        self.compute_crc32, self.alignment = compute_crc32, alignment
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
        pad = -start % self.alignment
        extra += b"FB" + struct.pack("<H", pad) + b"Z" * pad
        header = _LOCAL.pack(0x04034B50, 45 if zip64 else 0, _flags(size), 0, 0, 0, 0,
                             _U32 if zip64 else 0, _U32 if zip64 else 0, len(name_b), len(extra))
        crc = zlib.crc32(view) if self.compute_crc32 else 0       # torch.serialization.set_crc32_options
        descriptor = (struct.pack("<IIQQ", 0x08074B50, crc, size, size) if zip64
                      else struct.pack("<IIII", 0x08074B50, crc, size, size) if size else b"")
        # miniz's writes, one call each: header, name, extra field, then (unless empty) data, descriptor
        for part in (header, name_b, extra) + ((view, descriptor) if size else ()):
            self._write(part)
        self.entries.append((name_b, crc, size, offset))

    def close(self):
        """The central directory, then the zip64 end record and locator, then the classic end record."""
        cd_start, central = self.pos, []
        for name_b, crc, size, offset in self.entries:
            big = size >= _U32 or offset >= _U32
            extra = struct.pack("<HHQQQ", 1, 24, size, size, offset) if big else b""
            central.append(_CENTRAL.pack(0x02014B50, 0, 45 if big else 0, _flags(size), 0, 0, 0, crc,
                                         _U32 if big else size, _U32 if big else size, len(name_b),
                                         len(extra), 0, 0, 0, 0, _U32 if big else offset) + name_b + extra)
        self._write(b"".join(central))          # the whole directory in one write, as miniz
        cd_size, n = self.pos - cd_start, len(self.entries)
        eocd64 = self.pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32), min(cd_start, _U32), 0))

    def _write(self, b):
        # torch's writer hands the file read-only byte memoryviews ("must be str, not memoryview")
        view = memoryview(b).cast("B").toreadonly()
        self.f.write(view)
        self.pos += view.nbytes




class ZipReader:
    """Records of a torch zip checkpoint, read from a seekable binary file as torch 2.13 reads them.

    Record names are relative to the archive's folder (``data.pkl``, ``data/0``).  Construction
    does what torch's reader does up front: the central directory, the archive name (the folder of
    the first entry), the serialization id and the version check.
    """

    def __init__(self, f):
        try:
            self.ar = Archive(f)
        except _MinizError as e:
            _fail(b"reading zip archive", e)
        if not self.ar.names:
            raise RuntimeError("archive does not contain any files")
        first = self.ar.names[0] + b"\0"          # torch's copy of the name keeps its terminating NUL
        if b"/" not in first:
            raise RuntimeError(_c_message(b"file in archive is not in a subdirectory: " + first))
        self.prefix = first[:first.index(b"/") + 1]
        # records torch would hand on with bytes it never wrote (its buffers are uninitialised):
        # whatever torch then does with them depends on its memory, so it cannot be mirrored
        self.uninitialized = []
        self.serialization_id = None
        if self.has_record(".data/serialization_id"):
            self.serialization_id = self.get_record(".data/serialization_id")
        if self.has_record(".data/version"):
            version = self.get_record(".data/version")
        elif self.has_record("version"):
            version = self.get_record("version")
        else:
            raise RuntimeError('Expected hasRecord("version") to be true, but got false.  (Could this error '
                               'message be improved?  If so, please report an enhancement request to PyTorch.)')
        _check_version(version)

    def has_record(self, name):
        if name.endswith(".debug_pkl"):           # torch hides debug records
            return False
        return self.ar.locate(self.prefix + _utf8(name)) is not None

    def get_all_records(self):
        """Every record's name; torch checks each is inside the archive folder, then decodes them."""
        out = []
        for name in self.ar.names:
            buf = name[:511] + b"\0"             # torch copies names into a 512-byte buffer
            if not _strncmp_equal(buf, self.prefix):
                raise RuntimeError(_c_message(b"file in archive is not in a subdirectory " + self.prefix + b": "
                                              + buf))
            rest = buf[len(self.prefix):].split(b"\0", 1)[0]
            if not rest.endswith(b".debug_pkl"):
                out.append(rest)
        return [name.decode() for name in out]

    def get_record(self, name):
        """The record's bytes."""
        if name.endswith(".debug_pkl"):
            return b""
        st = self._stat(name)
        _check_allocation(st.size)
        return bytes(self._extract(name, st, want=st.size))

    def read_storage(self, name, nbytes):
        """A storage record as a uint8 array of ``nbytes``, read in place (``get_storage_from_record``)."""
        if name.endswith(".debug_pkl"):
            size, out = 0, np.empty(0, np.uint8)
        else:
            st = self._stat(name)
            _check_allocation(st.size)
            size, out = st.size, self._extract(name, st, want=nbytes)
        if size != nbytes:
            raise RuntimeError(f"record size ({size} bytes) does not match expected size ({nbytes} bytes = "
                               f"{nbytes} elements * 1 bytes/element) for dtype Byte")
        return out

    def record_offset(self, name):
        """Where a stored record's data starts in the file, for mapping it (``getRecordOffset``)."""
        st = self._stat(name)
        header = self.ar.read(st.offset, 30)
        if len(header) != 30:       # torch would go on with an uninitialised header here
            _fail(b"reading file header of " + _utf8(name), _MinizError("file read failed"))
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        return self.ar.start + st.offset + 30 + name_len + extra_len

    def check_serialization_id(self):
        """torch.load ends by reading the serialization id as text: it must be UTF-8."""
        if self.serialization_id is not None:
            self.serialization_id.decode()

    def _stat(self, name):
        key = _utf8(name)
        index = self.ar.locate(self.prefix + key)
        if index is None:
            _fail(b"locating file " + key, _MinizError(NOT_FOUND))
        try:
            st, side_error = self.ar.stat(index)
        except _MinizError as e:
            _fail(b"retrieving file meta-data for " + key, e)
        if side_error:
            _fail(b"retrieving file meta-data for " + key, _MinizError(side_error))
        return st

    def _extract(self, name, st, want):
        """The record's data as a uint8 array of ``st.size`` (None when ``want`` differs and the
        caller only needs the errors torch raises before it compares sizes)."""
        try:
            start = self.ar.data_start(st)
            if start is None or st.method == 8:
                out = np.zeros(st.size, np.uint8)      # torch's buffer is uninitialised: here zeros
                written = 0 if start is None else self.ar.inflate(start, st, out)
                if written < st.size:
                    self.uninitialized.append(name)
                return out
            if start + st.size > self.ar.size:        # miniz reads the uncompressed size from there
                self.ar.seek(start)                   # (an offset past 2**63 fails in seek first)
                raise _MinizError("file read failed")
            if st.size != want:
                return None
            out = np.empty(st.size, np.uint8)
            if not self.ar.read_into(start, memoryview(out)):
                raise _MinizError("file read failed")
            return out
        except _MinizError as e:
            _fail(b"reading file " + _utf8(name), e)


def _fail(what, error):
    """torch's ``valid(what, name)``: the record name is passed as a C string, so it ends at a NUL."""
    what = what.split(b"\0", 1)[0]
    raise RuntimeError(_c_message(b"PytorchStreamReader failed " + what + b": " + str(error).encode()
                                  + _HINT.encode())) from None


def _utf8(name):
    """A record name as torch's C++ side gets it; a str that is not valid UTF-8 fails there too."""
    try:
        return name.encode()
    except UnicodeEncodeError:
        raise TypeError(f"record name {name!r} cannot be passed to the zip reader") from None


def _strncmp_equal(buf, prefix):
    """C's ``strncmp(buf, prefix, len(prefix)) == 0``: equal up to a NUL both share, or all through."""
    for a, b in zip(buf, prefix):
        if a != b:
            return False
        if a == 0:
            return True
    return True


def _check_allocation(nbytes):
    """torch allocates the record's stated size before reading it; absurd sizes fail right there."""
    if nbytes >= 1 << 63:
        raise RuntimeError(f"alloc_cpu() seems to have been called with negative number: {nbytes}")
    if nbytes > _physical_memory():
        raise RuntimeError(f"DefaultCPUAllocator: not enough memory: you tried to allocate {nbytes} bytes.")


def _physical_memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 1 << 40


def _check_version(raw):
    """torch parses the version record with ``std::stoull`` and keeps it as a signed 64-bit number."""
    text = raw.split(b"\0", 1)[0].lstrip(b" \t\n\v\f\r")
    negative = text[:1] == b"-"
    if text[:1] in (b"+", b"-"):
        text = text[1:]
    digits = len(text) - len(text.lstrip(b"0123456789"))
    if not digits:
        raise RuntimeError(_c_message(b"Couldn't parse the version " + raw + b" as Long Long."))
    value = int(text[:digits])
    if value >= 1 << 64:
        raise IndexError("stoull")
    value = (-value if negative else value) & ((1 << 64) - 1)
    if value >= 1 << 63:
        value -= 1 << 64
    if value < MIN_VERSION:
        raise RuntimeError(f"Attempted to read a PyTorch file with version {value}, but the minimum supported "
                           f"version for reading is {MIN_VERSION}. Your PyTorch script module file is too old. "
                           "Please regenerate it with latest version of PyTorch to mitigate this issue.")
    if value > MAX_VERSION:
        raise RuntimeError(f"Attempted to read a PyTorch file with version {value}, but the maximum supported "
                           f"version for reading is {MAX_VERSION}. The version of your PyTorch installation may "
                           "be too old, please upgrade PyTorch to latest version to mitigate this issue.")
