"""Reading a checkpoint's zip container exactly as torch 2.13 does, so damage fails the same way.

torch reads checkpoints with its C++ ``PyTorchStreamReader`` (caffe2/serialize/inline_container.cc)
on top of miniz 3.0.2 (``mz_zip_reader_init``, ``mz_zip_reader_locate_file``,
``mz_zip_reader_file_stat``, ``mz_zip_reader_extract_to_mem``).  Python's :mod:`zipfile` checks
other fields in another order, so a damaged file could load on one side and fail on the other.
This module re-implements what those functions look at, in their order, with their messages.
Where torch's reader behaves oddly on damaged input, this mirrors the oddity too:

* CRC-32s are never checked (torch builds miniz with ``MINIZ_DISABLE_ZIP_READER_CRC32_CHECKS``);
* names are looked up case-insensitively by binary search over a heap-sorted central directory,
  and the name asked for is a C string (it ends at a NUL byte);
* a record flagged as a directory, or of compressed size 0, is "read" without reading anything;
  torch then hands on an uninitialised buffer, which here is zeros;
* a record flagged as deflated that is not valid deflate data fails silently in miniz (torch
  then uses what was decompressed, plus uninitialised memory): here the rest is zeros;
* offsets are unsigned 64-bit and wrap; an offset of 2**63 or more reaches the Python file's
  ``seek`` as a negative number, which raises there (``ValueError`` for ``io.BytesIO``);
* a C++ error message is turned into a Python string up to its first NUL byte and decoded as
  UTF-8, so a message quoting undecodable bytes becomes a ``UnicodeDecodeError``.

Storage records are read straight from the file into the caller's array (no copy).
"""
import struct
import zlib

_U32, _U64 = 0xFFFFFFFF, (1 << 64) - 1
_EOCD, _LOC64, _EOCD64, _CDH, _LDH = 22, 20, 56, 46, 30          # record sizes
# a central directory entry: signature, made by, needed, flags, method+time (as miniz reads them,
# one 32-bit word) / method, time, date, crc, sizes, name/extra/comment lengths, disk, attributes, offset
_CENTRAL = struct.Struct("<IHHHIHIIIHHHHHII")
_CENTRAL_FIELDS = struct.Struct("<IHHHHHHIIIHHHHHII")
_HINT = (". This is an internal miniz error. If you are seeing this error, there is a high likelihood that "
         "your checkpoint file is corrupted. This can happen if the checkpoint was not saved properly, was "
         "transferred incorrectly, or the file was modified after saving.")
# miniz's error strings
NOT_AN_ARCHIVE = "not a ZIP archive"
NO_CENTRAL_DIR = "failed finding central directory"
CORRUPTED = "invalid header or archive is corrupted"
MULTIDISK = "unsupported multidisk archive"
TOO_MANY_FILES = "too many files"
CDIR_SIZE = "unsupported central directory size"
READ_FAILED = "file read failed"
NOT_FOUND = "file not found"
METHOD = "unsupported method"
ENCRYPTION = "unsupported encryption"
FEATURE = "unsupported feature"
DECOMPRESSED_SIZE = "unexpected decompressed size"
DECOMPRESSION = "decompression failed or archive is corrupted"
MIN_VERSION, MAX_VERSION = 1, 10          # torch 2.13's kMin/kMaxSupportedFileFormatVersion


class _MinizError(Exception):
    """A miniz call failed; ``PyTorchStreamReader`` reports it with what it was doing."""


def _c_message(raw):
    """A C++ exception message as Python sees it: cut at the first NUL, decoded strictly."""
    return raw.split(b"\0", 1)[0].decode()


def _u16(b, at):
    return b[at] | b[at + 1] << 8


def _u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def _u64(b, at):
    return struct.unpack_from("<Q", b, at)[0]


class _Stat:
    """What ``mz_zip_reader_file_stat`` reports about one entry."""
    __slots__ = ("method", "flags", "comp", "size", "offset", "is_dir")


class Archive:
    """miniz's reader state: the central directory, read and checked as ``mz_zip_reader_init`` does."""

    def __init__(self, f):
        # torch's BufferAdapter: the archive starts at the file's current position
        self.f = f
        self.start = f.tell()
        f.seek(0, 2)
        self.end = f.tell()
        f.seek(self.start)
        self.size = self.end - self.start
        self._read_central_dir()

    # ---- file access, as the adapter does it --------------------------------------------------
    def seek(self, pos):
        absolute = (self.start + pos) & _U64
        if absolute >= 1 << 63:          # a C++ size_t handed to Python as a Py_ssize_t
            absolute -= 1 << 64
        self.f.seek(absolute)
        return absolute

    def read(self, pos, n):
        """Up to ``n`` bytes at ``pos`` (fewer at the end of the file, as the adapter returns)."""
        absolute = self.seek(pos)
        return self.f.read(max(0, min(n, self.end - absolute)))

    def read_into(self, pos, view):
        """Fill ``view`` from ``pos``; False on a short read."""
        self.seek(pos)
        got = 0
        while got < view.nbytes:          # readinto may return short counts on pipes and sockets
            n = self.f.readinto(view[got:])
            if not n:
                return False
            got += n
        return True

    # ---- mz_zip_reader_init -------------------------------------------------------------------
    def _find_end_record(self):
        """Scan back from the end for the end-of-central-directory signature (as far as miniz looks)."""
        size, cur = self.size, max(self.size - 4096, 0)
        while True:
            block = self.read(cur, min(4096, size - cur))
            if len(block) != min(4096, size - cur):
                return None
            i = block.rfind(b"PK\x05\x06", 0, max(0, size - _EOCD - cur + 4))
            if i >= 0:
                return cur + i
            if cur == 0 or size - cur >= 0xFFFF + _EOCD:
                return None
            # miniz clamps this at 0 in unsigned arithmetic, which does not clamp: the next block
            # can start before the file (and the read there fails in seek)
            cur -= 4096 - 3

    def _read_central_dir(self):
        size = self.size
        if size < _EOCD:
            raise _MinizError(NOT_AN_ARCHIVE)
        at = self._find_end_record()
        if at is None:
            raise _MinizError(NO_CENTRAL_DIR)
        eocd = self.read(at, _EOCD)
        zip64 = False
        if at >= _LOC64 + _EOCD64:
            locator = self.read(at - _LOC64, _LOC64)
            if len(locator) == _LOC64 and locator[:4] == b"PK\x06\x07":
                eocd64_at = _u64(locator, 8)
                if eocd64_at > size - _EOCD64:
                    raise _MinizError(NOT_AN_ARCHIVE)
                eocd64 = self.read(eocd64_at, _EOCD64)
                zip64 = len(eocd64) == _EOCD64 and eocd64[:4] == b"PK\x06\x06"
        total, on_disk = _u16(eocd, 10), _u16(eocd, 8)
        this_disk, cdir_disk = _u16(eocd, 4), _u16(eocd, 6)
        cdir_size, cdir_ofs = _u32(eocd, 12), _u32(eocd, 16)
        if zip64:
            if _u64(eocd64, 4) < _EOCD64 - 12:
                raise _MinizError(CORRUPTED)
            if _u32(locator, 16) != 1:
                raise _MinizError(MULTIDISK)
            total, on_disk = _u64(eocd64, 32), _u64(eocd64, 24)
            if total > _U32 or on_disk > _U32:
                raise _MinizError(TOO_MANY_FILES)
            if _u64(eocd64, 40) > _U32:
                raise _MinizError(CDIR_SIZE)
            cdir_size = _u64(eocd64, 40)
            this_disk, cdir_disk, cdir_ofs = _u32(eocd64, 16), _u32(eocd64, 20), _u64(eocd64, 48)
        if total != on_disk or ((this_disk | cdir_disk) != 0 and (this_disk != 1 or cdir_disk != 1)):
            raise _MinizError(MULTIDISK)
        if cdir_size < total * _CDH or (cdir_ofs + cdir_size) & _U64 > size:
            raise _MinizError(CORRUPTED)
        self.cdir, self.offsets = b"", []
        if total:
            self.cdir = self.read(cdir_ofs, cdir_size)
            if len(self.cdir) != cdir_size:
                raise _MinizError(READ_FAILED)
            self._check_entries(total, this_disk, cdir_ofs)
        self.names = [self.cdir[p + _CDH:p + _CDH + _u16(self.cdir, p + 28)] for p in self.offsets]
        self._index = None

    def _check_entries(self, total, this_disk, cdir_ofs):
        """The sanity checks miniz makes on every central directory entry while indexing them."""
        cdir, p, left = self.cdir, 0, len(self.cdir)
        for _ in range(total):
            if left < _CDH or cdir[p:p + 4] != b"PK\x01\x02":
                raise _MinizError(CORRUPTED)
            self.offsets.append(p)
            (_, _, _, flags, method_time, _, _, comp, size, name_len, extra_len, comment_len, disk, _, _,
             offset) = _CENTRAL.unpack_from(cdir, p)
            if extra_len and max(comp, size, offset) == _U32:
                if _CDH + name_len + extra_len > left:
                    # miniz re-reads the extra field from the file, at an offset counted from the
                    # start of the central directory rather than from this entry
                    extra = self.read(cdir_ofs + _CDH + name_len, extra_len)
                    if len(extra) != extra_len:
                        raise _MinizError(READ_FAILED)
                else:
                    extra = cdir[p + _CDH + name_len:p + _CDH + name_len + extra_len]
                size, comp, offset = _zip64_from_central_scan(extra, size, comp, offset)
            if comp != _U32 and size != _U32:
                # (method and modification time read as one 32-bit word, as miniz does)
                if (method_time == 0 and size != comp) or (size and not comp):
                    raise _MinizError(CORRUPTED)
            if disk == 0xFFFF or (disk != this_disk and disk != 1):
                raise _MinizError(MULTIDISK)
            if comp != _U32 and (offset + _LDH + comp) & _U64 > self.size:
                raise _MinizError(CORRUPTED)
            if flags & 0x2000:                              # local header masked
                raise _MinizError(ENCRYPTION)
            entry = _CDH + name_len + extra_len + comment_len
            if entry > left:
                raise _MinizError(CORRUPTED)
            left -= entry
            p += entry

    # ---- mz_zip_reader_locate_file ------------------------------------------------------------
    def locate(self, name):
        """Index of the entry called ``name`` (bytes), or None: miniz's case-insensitive lookup."""
        key = name.split(b"\0", 1)[0].lower()           # a C string; ASCII-only lowering as MZ_TOLOWER
        if self._index is None:
            lowered = [n.lower() for n in self.names]
            table = {n: i for i, n in enumerate(lowered)}
            if len(table) == len(lowered):              # distinct names: any sorted search finds the one
                self._index = table
            else:                                       # duplicates: which one is found depends on the
                self._index = (lowered, _heap_sorted(lowered))   # exact sort and search miniz does
        if isinstance(self._index, dict):
            return self._index.get(key)
        lowered, order = self._index
        lo, hi = 0, len(order) - 1
        while lo <= hi:
            mid = lo + ((hi - lo) >> 1)
            probe = lowered[order[mid]]
            if probe == key:
                return order[mid]
            if probe < key:
                lo = mid + 1
            else:
                hi = mid - 1
        return None

    # ---- mz_zip_reader_file_stat --------------------------------------------------------------
    def stat(self, index):
        """``(stat, side_error)``: miniz's file_stat also records "unsupported ..." as its last error."""
        cdir, p = self.cdir, self.offsets[index]
        st = _Stat()
        (_, _, _, st.flags, st.method, _, _, _, st.comp, st.size, name_len, extra_len, _, _, _, attributes,
         st.offset) = _CENTRAL_FIELDS.unpack_from(cdir, p)
        st.is_dir = self.names[index].endswith(b"/") or bool(attributes & 0x10)
        side_error = None
        if st.method not in (0, 8):
            side_error = METHOD
        elif st.flags & 0x41:
            side_error = ENCRYPTION
        elif st.flags & 0x20:
            side_error = FEATURE
        if max(st.comp, st.size, st.offset) == _U32:
            start = p + _CDH + name_len
            _zip64_from_stat(st, cdir[start:start + extra_len])
        return st, side_error

    # ---- mz_zip_reader_extract_to_mem ---------------------------------------------------------
    def data_start(self, st):
        """Where the entry's data starts, after the checks made before reading it; None when miniz
        reads nothing (a directory, or compressed size 0)."""
        if st.is_dir or not st.comp:
            return None
        if st.flags & 0x61:
            raise _MinizError(ENCRYPTION)
        if st.method not in (0, 8):
            raise _MinizError(METHOD)
        header = self.read(st.offset, _LDH)
        if len(header) != _LDH:
            raise _MinizError(READ_FAILED)
        if header[:4] != b"PK\x03\x04":
            raise _MinizError(CORRUPTED)
        start = (st.offset + _LDH + _u16(header, 26) + _u16(header, 28)) & _U64
        if (start + st.comp) & _U64 > self.size:
            raise _MinizError(CORRUPTED)
        return start

    def inflate(self, start, st, out):
        """Decompress a deflated entry into ``out`` (zeros, of the stated size) as miniz's tinfl loop
        ends up: an error only when the stream ends early; any other failure leaves the rest as is.
        Returns how many bytes were written."""
        d, got, left, pos = zlib.decompressobj(-15), 0, st.comp, start
        try:
            while left and got < len(out):
                chunk = self.read(pos, min(left, 65536))
                if len(chunk) != min(left, 65536):
                    raise _MinizError(DECOMPRESSION)
                pos, left = pos + len(chunk), left - len(chunk)
                piece = d.decompress(chunk, len(out) - got)
                memoryview(out)[got:got + len(piece)] = piece
                got += len(piece)
                if d.eof:
                    break
        except zlib.error:
            return got
        if d.eof and got != len(out):
            raise _MinizError(DECOMPRESSED_SIZE)
        return got


def _zip64_from_central_scan(extra, size, comp, offset):
    """The 64-bit sizes and offset as miniz's central-directory scan reads them from the extra field."""
    for field_id, at, _, remaining in _extra_fields(extra):
        if field_id == 1:
            break
    else:
        remaining = 0
    if remaining >= 4:      # the values are bounded by the rest of the extra data, not by the field
        remaining, at = remaining - 4, at + 4
        if size == _U32 and remaining >= 8:
            size, remaining, at = _u64(extra, at), remaining - 8, at + 8
        if comp == _U32 and remaining >= 8:
            comp, remaining, at = _u64(extra, at), remaining - 8, at + 8
        if offset == _U32 and remaining >= 8:
            offset = _u64(extra, at)
    return size, comp, offset


def _zip64_from_stat(st, extra):
    """The same values as ``mz_zip_file_stat_internal`` reads them: from the zip64 field itself."""
    for field_id, at, field_len, _ in _extra_fields(extra):
        if field_id == 1:
            at += 4
            for attr in ("size", "comp", "offset"):
                if getattr(st, attr) == _U32:
                    if field_len < 8:
                        raise _MinizError(CORRUPTED)
                    setattr(st, attr, _u64(extra, at))
                    at, field_len = at + 8, field_len - 8
            return


def _extra_fields(extra):
    """Walk an extra field as miniz does: (id, offset, length, bytes left from offset) per entry,
    refusing a truncated header or a length running past the end."""
    remaining, at = len(extra), 0
    while remaining:
        if remaining < 4:
            raise _MinizError(CORRUPTED)
        field_id, field_len = _u16(extra, at), _u16(extra, at + 2)
        if field_len + 4 > remaining:
            raise _MinizError(CORRUPTED)
        yield field_id, at, field_len, remaining
        at += 4 + field_len
        remaining -= 4 + field_len


def _heap_sorted(keys):
    """Entry indices in the order miniz's heap sort leaves them (an unstable sort: with equal keys
    the order, and so which duplicate a lookup finds, is this algorithm's)."""
    order, n = list(range(len(keys))), len(keys)

    def sift(root, end):
        while True:
            child = 2 * root + 1
            if child >= end:
                return
            if child + 1 < end and keys[order[child]] < keys[order[child + 1]]:
                child += 1
            if not keys[order[root]] < keys[order[child]]:
                return
            order[root], order[child] = order[child], order[root]
            root = child

    if n > 1:
        for start in range((n - 2) >> 1, -1, -1):
            sift(start, n)
        for end in range(n - 1, 0, -1):
            order[end], order[0] = order[0], order[end]
            sift(0, end)
    return order
