"""Process groups: ``init_process_group`` (the rendezvous), the default group, ``new_group``, ranks.

A ``ProcessGroup`` talks through a store (store.py).  Every collective is one ``_exchange``: each
member posts its contribution under a key numbered by the group's collective counter, then reads
everyone's, in rank order.  Members call collectives in the same order, so the counters agree and
the keys meet.  The last member to finish reading deletes the keys.  A group of one posts nothing.
The collectives themselves (all_reduce, broadcast ...) are in collectives.py.
"""
import enum
import os
import pickle
import typing
from datetime import timedelta
from urllib.parse import urlparse, parse_qs

from .store import TCPStore, FileStore

# the type of a process group's name in operator signatures (torch.library lists it)
GroupName = typing.NewType("GroupName", str)
GroupName.__module__ = "torch.distributed.distributed_c10d"

__all__ = ["Backend", "ReduceOp", "ProcessGroup", "Work", "GroupMember", "group", "init_process_group",
           "destroy_process_group", "is_initialized", "is_available", "get_rank", "get_world_size", "get_backend",
           "new_group", "get_global_rank", "get_process_group_ranks", "is_gloo_available", "is_nccl_available",
           "is_mpi_available", "is_torchelastic_launched", "default_pg_timeout"]

default_pg_timeout = timedelta(minutes=30)
_NOT_INIT = "Default process group has not been initialized, please make sure to call init_process_group."


class Backend(str):
    """A backend's name, lower case: ``Backend("GLOO") == "gloo"``."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name):
        return str.__new__(cls, name.lower())


class ReduceOp:
    """How a reduction combines the ranks' tensors (``ReduceOp.SUM`` ...)."""

    class RedOpType(enum.Enum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8
        UNUSED = 9

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


class Work:
    """What ``async_op=True`` returns.  glasstorch's collectives finish before returning."""

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True

    def is_success(self):
        return True


class ProcessGroup:
    def __init__(self, store, rank, ranks, name, backend="gloo"):
        self._store = store
        self._rank = rank                 # this process's rank within the group
        self._ranks = list(ranks)         # the members' global ranks, in group order
        self._name = name
        self._backend = backend
        self._seq = 0
        self._p2p = {}                    # (src, dst) -> how many messages went that way

    def rank(self):
        return self._rank

    def size(self):
        return len(self._ranks)

    def name(self):
        return self._backend

    @property
    def group_name(self):
        return self._name

    def _exchange(self, obj):
        """Everyone's ``obj``, in group rank order."""
        n = len(self._ranks)
        if n == 1:
            return [obj]
        seq = self._seq
        self._seq += 1
        pre = f"gt/{self._name}/{seq}/"
        store = self._store
        store.set(pre + str(self._rank), pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        out = [obj if r == self._rank else pickle.loads(store.get(pre + str(r))) for r in range(n)]
        if store.add(pre + "read", 1) == n:          # everyone has read: tidy up
            for r in range(n):
                store.delete_key(pre + str(r))
            store.delete_key(pre + "read")
        return out

    def _send(self, obj, dst):
        k = (self._rank, dst)
        i = self._p2p.get(k, 0)
        self._p2p[k] = i + 1
        self._store.set(f"gt/{self._name}/p2p/{self._rank}-{dst}/{i}", pickle.dumps(obj))

    def _recv(self, src):
        k = (src, self._rank)
        i = self._p2p.get(k, 0)
        self._p2p[k] = i + 1
        key = f"gt/{self._name}/p2p/{src}-{self._rank}/{i}"
        obj = pickle.loads(self._store.get(key))
        self._store.delete_key(key)
        return obj


class _World:
    pg = None
    store = None
    groups = 0


class GroupMember:
    NON_GROUP_MEMBER = -100

    class _WorldProp:
        def __get__(self, obj, cls):
            return _World.pg

    WORLD = _WorldProp()


class group:
    WORLD = GroupMember._WorldProp()


def is_available():
    return True


def is_gloo_available():
    return True


def is_nccl_available():
    return False


def is_mpi_available():
    return False


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def is_initialized():
    return _World.pg is not None


def _pg(grp=None):
    if grp is None or grp is _World.pg:
        if _World.pg is None:
            raise ValueError(_NOT_INIT)
        return _World.pg
    return grp


def _check_backend(backend):
    if backend == "nccl":
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if backend == "mpi":
        raise RuntimeError("Distributed package doesn't have MPI built in. MPI is only included if you build "
                           "PyTorch from source on a host that has MPI installed.")
    if backend == "ucc":
        raise RuntimeError("Distributed package doesn't have UCC built in")


def _env(name, scheme):
    val = os.environ.get(name)
    if not val:
        raise ValueError(f"Error initializing torch.distributed using {scheme}:// rendezvous: environment variable "
                         f"{name} expected, but not set")
    return val


def _rendezvous(url, rank, world_size, timeout):
    """The store, rank and world size ``init_method`` names (torch's rendezvous handlers)."""
    p = urlparse(url)
    q = {k: v[-1] for k, v in parse_qs(p.query).items()}
    if rank != -1:
        q["rank"] = str(rank)
    if world_size != -1:
        q["world_size"] = str(world_size)

    def err(msg):
        return ValueError(f"Error initializing torch.distributed using {p.scheme}:// rendezvous: {msg}")
    if p.scheme == "env":
        rank = int(q["rank"]) if "rank" in q else int(_env("RANK", "env"))
        world_size = int(q["world_size"]) if "world_size" in q else int(_env("WORLD_SIZE", "env"))
        host, port = _env("MASTER_ADDR", "env"), int(_env("MASTER_PORT", "env"))
    elif p.scheme in ("tcp", "file"):
        if p.scheme == "tcp" and p.port is None:
            raise err("port number missing")
        if p.scheme == "file" and not p.path:
            raise err("path missing")
        if "rank" not in q:
            raise err("rank parameter missing")
        if "world_size" not in q:
            raise err("world size parameter missing")
        rank, world_size = int(q["rank"]), int(q["world_size"])
        if p.scheme == "file":
            return FileStore(p.path, world_size), rank, world_size
        host, port = p.hostname, p.port
    else:
        raise RuntimeError(f"No rendezvous handler for {p.scheme}://")
    # under torchrun the launcher serves the store (TORCHELASTIC_USE_AGENT_STORE); otherwise rank 0 does
    agent = p.scheme == "env" and os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
    store = TCPStore(host, port, world_size, is_master=rank == 0 and not agent, timeout=timeout)
    return store, rank, world_size


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the run: meet the other processes at ``init_method``'s store, make the default group."""
    if _World.pg is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backend = "gloo" if backend is None else str(backend).lower()
    if timeout is None:
        timeout = default_pg_timeout
    _check_backend(backend)
    if store is None:
        store, rank, world_size = _rendezvous(init_method or "env://", rank, world_size, timeout)
    elif rank < 0 or world_size <= 0:
        raise ValueError("world_size and rank must be specified when store is given" if rank < 0 else
                         "world_size must be positive if store is given")
    if world_size > 1:            # everyone waits for everyone: torch's store-based barrier
        if store.add("gt/init/joined", 1) == world_size:
            store.set("gt/init/done", b"1")
        store.wait(["gt/init/done"])
    _World.store = store
    _World.groups = 0
    _World.pg = ProcessGroup(store, rank, range(world_size), "0", Backend(backend.split(":")[-1]))


def destroy_process_group(group=None):
    if group is None or group is _World.pg:
        if _World.pg is None:
            raise AssertionError("Process group cannot be None")
        store = _World.store
        _World.pg = _World.store = None
        if isinstance(store, TCPStore):
            store.close()


def get_rank(group=None):
    pg = _pg(group)
    return pg._ranks[pg._rank] if group is None else pg._rank


def get_world_size(group=None):
    return _pg(group).size()


def get_backend(group=None):
    return str(_pg(group)._backend)


def get_global_rank(group, group_rank):
    return _pg(group)._ranks[group_rank]


def get_process_group_ranks(group):
    return list(_pg(group)._ranks)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of ``ranks`` (all of them by default).  Every rank of the world must call it."""
    world = _pg()
    _World.groups += 1
    ranks = sorted(ranks) if ranks is not None else list(world._ranks)
    me = get_rank()
    if me not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    return ProcessGroup(_World.store, ranks.index(me), ranks, str(_World.groups), world._backend)


def _group_rank(pg, global_rank):
    return pg._ranks.index(global_rank)
