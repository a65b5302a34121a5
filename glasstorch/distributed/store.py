"""Key-value stores the processes of a run meet at (torch's ``c10d`` stores).

``TCPStore``: rank 0 (``is_master=True``) serves a dictionary from a thread; every process, the
master too, talks to it over a socket.  ``FileStore`` keeps the dictionary in a file, locked while
read and rewritten.  ``HashStore`` is a plain in-process dictionary.  All three answer
``set / get / add / wait / check / delete_key / num_keys``; ``get`` and ``wait`` block until the key
exists, which is all the rendezvous and the collectives (collectives.py) are built on.
"""
import fcntl
import os
import pickle
import socket
import struct
import threading
import time
from datetime import timedelta

__all__ = ["Store", "TCPStore", "FileStore", "HashStore"]

_DEFAULT_TIMEOUT = timedelta(seconds=300)


def _seconds(timeout):
    return timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)


def _as_bytes(value):
    return value.encode() if isinstance(value, str) else bytes(value)


class _Table:
    """The dictionary and the condition that wakes whoever waits for a key."""

    def __init__(self):
        self.data = {}
        self.cond = threading.Condition()

    def call(self, op, key=None, value=None, timeout=300.0):
        with self.cond:
            if op == "set":
                self.data[key] = value
                self.cond.notify_all()
                return None
            if op == "add":
                n = int(self.data.get(key, b"0")) + value
                self.data[key] = str(n).encode()
                self.cond.notify_all()
                return n
            if op == "get" or op == "wait":
                keys = [key] if op == "get" else key
                if not self.cond.wait_for(lambda: all(k in self.data for k in keys), timeout):
                    return TimeoutError(f"Wait timeout after {timeout * 1000:.0f}ms, keys: "
                                        + ", ".join("/" + k for k in keys))
                return self.data[key] if op == "get" else None
            if op == "check":
                return all(k in self.data for k in key)
            if op == "delete_key":
                return self.data.pop(key, None) is not None
            if op == "num_keys":
                return len(self.data)
            raise ValueError(op)


class Store:
    """What every store offers; subclasses implement ``_call``."""

    def __init__(self, timeout=_DEFAULT_TIMEOUT):
        self.timeout = timeout if isinstance(timeout, timedelta) else timedelta(seconds=timeout)

    def _call(self, op, key=None, value=None, timeout=None):
        raise NotImplementedError

    def _checked(self, op, key=None, value=None, timeout=None):
        out = self._call(op, key, value, _seconds(self.timeout if timeout is None else timeout))
        if isinstance(out, Exception):
            raise out
        return out

    def set(self, key, value):
        self._checked("set", key, _as_bytes(value))

    def get(self, key):
        return self._checked("get", key)

    def add(self, key, value):
        return self._checked("add", key, int(value))

    def wait(self, keys, timeout=None):
        self._checked("wait", list(keys), None, timeout)

    def check(self, keys):
        return self._checked("check", list(keys))

    def delete_key(self, key):
        return self._checked("delete_key", key)

    def num_keys(self):
        return self._checked("num_keys")

    def set_timeout(self, timeout):
        self.timeout = timeout


class HashStore(Store):
    def __init__(self):
        super().__init__()
        self._table = _Table()

    def _call(self, op, key=None, value=None, timeout=None):
        return self._table.call(op, key, value, timeout)


# ---- TCP: length-prefixed pickles over one socket per client -----------------------------------
def _send(sock, obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(struct.pack("!Q", len(data)) + data)


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise ConnectionError("the store's connection closed")
        buf += chunk
    return bytes(buf)


def _recv(sock):
    (n,) = struct.unpack("!Q", _recv_exact(sock, 8))
    return pickle.loads(_recv_exact(sock, n))


class _Server:
    """The master's thread: accepts clients, one thread each, all sharing one ``_Table``."""

    def __init__(self, host, port):
        self.table = _Table()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((host, port))
        except OSError as e:
            self.sock.close()
            raise RuntimeError(f"The server socket has failed to listen on any local network address. port: "
                               f"{port}, useIpv6: 0, code: -98, name: EADDRINUSE, message: address already in use"
                               ) from e
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.clients = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with self.table.cond:
            self.clients += 1
        try:
            while True:
                op, key, value, timeout = _recv(conn)
                _send(conn, self.table.call(op, key, value, timeout))
        except (ConnectionError, OSError, EOFError):
            pass
        finally:
            conn.close()
            with self.table.cond:
                self.clients -= 1
                self.table.cond.notify_all()

    def close(self, linger=5.0):
        """Stop serving once the other processes have hung up (or ``linger`` seconds passed)."""
        with self.table.cond:
            self.table.cond.wait_for(lambda: self.clients == 0, linger)
        try:
            self.sock.shutdown(socket.SHUT_RDWR)     # wakes the accepting thread, which holds the port
        except OSError:
            pass
        self.sock.close()


class TCPStore(Store):
    def __init__(self, host_name, port, world_size=None, is_master=False, timeout=_DEFAULT_TIMEOUT,
                 wait_for_workers=True, multi_tenant=False, master_listen_fd=None, use_libuv=True):
        super().__init__(timeout)
        self.host = host_name
        self._server = _Server(host_name, port) if is_master else None
        self.port = self._server.port if is_master else port
        self.world_size = world_size
        self._lock = threading.Lock()
        self._sock = self._connect()

    def _connect(self):
        deadline = time.monotonic() + _seconds(self.timeout)
        while True:       # the master may not be listening yet
            try:
                s = socket.create_connection((self.host, self.port), timeout=None)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return s
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"The client socket has timed out after {_seconds(self.timeout):g}s while "
                                       f"trying to connect to ({self.host}, {self.port}).") from None
                time.sleep(0.05)

    def _call(self, op, key=None, value=None, timeout=None):
        with self._lock:
            _send(self._sock, (op, key, value, timeout))
            return _recv(self._sock)

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._server is not None:
            self._server.close()
            self._server = None


class FileStore(Store):
    """The dictionary lives pickled in ``file_name``; every call locks the file, reads, maybe rewrites."""

    def __init__(self, file_name, world_size=-1):
        super().__init__()
        self.path = file_name
        self.world_size = world_size
        open(file_name, "ab").close()

    def _locked(self, change):
        with open(self.path, "r+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                raw = f.read()
                data = pickle.loads(raw) if raw else {}
                out, dirty = change(data)
                if dirty:
                    f.seek(0)
                    f.truncate()
                    f.write(pickle.dumps(data))
                return out
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _call(self, op, key=None, value=None, timeout=300.0):
        if op == "get" or op == "wait":
            keys = [key] if op == "get" else key
            deadline = time.monotonic() + timeout
            while True:
                found = self._locked(lambda d: ([d.get(k) for k in keys], False))
                if all(v is not None for v in found):
                    return found[0] if op == "get" else None
                if time.monotonic() > deadline:
                    return TimeoutError(f"Wait timeout after {timeout * 1000:.0f}ms, keys: "
                                        + ", ".join("/" + k for k in keys))
                time.sleep(0.002)
        table = _Table()

        def change(d):
            table.data = d
            out = table.call(op, key, value, 0)
            return out, op in ("set", "add", "delete_key")
        return self._locked(change)
