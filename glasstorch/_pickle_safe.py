"""The ``weights_only=True`` unpickler: a pickle reader that never imports or calls anything unknown.

Python's own unpickler resolves every ``GLOBAL module name`` by importing the module, and calls
whatever ``REDUCE`` puts on the stack; a checkpoint from a stranger can therefore run
``os.system``.  This reader interprets the opcodes itself.  ``GLOBAL`` is looked up in a fixed
table (tensors, Parameters, containers, numbers, strings, dtypes: ``_serialization_globals``) plus
what the user allowlisted with ``add_safe_globals``; anything else, and every opcode torch's
protocol-2 pickles do not use, raises ``pickle.UnpicklingError`` before any object is built.
``REDUCE``, ``NEWOBJ`` and ``BUILD`` only act on allowed objects.  The opcode set and the checks
follow torch 2.13's ``torch/_weights_only_unpickler.py``, so a file is refused (or accepted) as
torch would, with the same exception type.
"""
import collections
import os
import struct
import warnings
from _compat_pickle import NAME_MAPPING, IMPORT_MAPPING
from pickle import UnpicklingError, decode_long

from . import _serialization_globals as G
from ._class_paths import as_torch, is_ours
from ._user_warning import warn_at_caller

_BLOCKED_MODULES = ("sys", "os", "posix", "nt")
_INT4 = struct.Struct("<i")
_UINT2 = struct.Struct("<H")
_UINT4 = struct.Struct("<I")
_FLOAT8 = struct.Struct(">d")

# ---- the user's allowlist (torch.serialization.add_safe_globals) ---------------------------------
_user_safe = []


def add_safe_globals(safe_globals):
    """Allow these classes and functions (or ``(obj, "module.name")`` pairs) in weights-only loads."""
    for g in safe_globals:
        if g not in _user_safe:
            _user_safe.append(g)


def get_safe_globals():
    return list(_user_safe)


def clear_safe_globals():
    _user_safe.clear()


class safe_globals:
    """``with safe_globals([MyClass]):`` allowlists for the duration of the block only."""

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)
        self._added = []

    def __enter__(self):
        self._added = [g for g in self.safe_globals if g not in _user_safe]
        _user_safe.extend(self._added)

    def __exit__(self, *exc):
        for g in self._added:
            if g in _user_safe:
                _user_safe.remove(g)


def _user_table():
    """``{"module.name": obj}`` for the allowlist; a glasstorch class also answers to its torch name."""
    table = {}
    for g in _user_safe:
        if isinstance(g, tuple):
            if len(g) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), "
                                 f"but got tuple of length: {len(g)}")
            if type(g[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(g[1])}")
            table[g[1]] = g[0]
            continue
        name = f"{g.__module__}.{g.__qualname__}"
        table[name] = g
        if is_ours(g):
            table[f"{as_torch(g.__module__)}.{g.__qualname__}"] = g
    return table


_ALLOWED_IDS = frozenset(id(v) for v in G.TORCH_GLOBALS.values())


def _is_allowed(obj, user):
    return id(obj) in _ALLOWED_IDS or any(obj is v for v in user.values())


def weights_only_choice(weights_only, pickle_module, pickle_load_args):
    """torch.load's ``weights_only``: the default (True unless a pickle module is given), the two
    environment switches, and its checks and warnings, in torch's order."""
    true_values = ("1", "y", "yes", "true")
    not_set = weights_only is None
    if not_set:
        weights_only = pickle_module is None
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        weights_only = True
    elif force_no and not_set:      # an explicit weights_only= wins over this switch
        # torch warns at the line that called torch.load (stacklevel=2); here torch.load's lazy wrapper
        # and serialization.load lie in between, so the user's frame is found by walking out of glasstorch
        warn_at_caller("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                       "argument was not explicitly passed to `torch.load`, forcing weights_only=False.")
        weights_only = False
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.")
    return weights_only


# ---- the reader --------------------------------------------------------------------------------
class Unpickler:
    """Reads one pickle from a binary file object; ``persistent_load`` resolves storage ids."""

    def __init__(self, file, persistent_load=None, *, encoding="utf-8"):
        self.read = file.read
        self.readline = file.readline
        self.encoding = encoding
        self.persistent_load = persistent_load
        self.memo = {}

    def load(self):
        read, user = self.read, _user_table()
        stack, metastack, memo = [], [], self.memo

        def pop_mark():
            nonlocal stack
            items, stack = stack, metastack.pop()
            return items

        while True:
            key = read(1)
            if not key:
                raise EOFError
            op = key[0]
            # ---- the risky opcodes: each resolves or calls only allowed objects
            if op == 0x63:                                   # GLOBAL
                stack.append(self._find_global(user))
            elif op == 0x52:                                 # REDUCE  func(*args)
                args = stack.pop()
                func = stack[-1]
                if not _is_allowed(func, user):
                    raise UnpicklingError(f"Trying to call reduce for unrecognized function {func}")
                stack[-1] = func(*args)
            elif op == 0x81:                                 # NEWOBJ  cls.__new__(cls, *args)
                args = stack.pop()
                cls = stack.pop()
                if cls is G.TORCH_GLOBALS["torch.nn.parameter.Parameter"]:
                    stack.append(cls(*args))
                elif _is_allowed(cls, user) and isinstance(cls, type):
                    stack.append(cls.__new__(cls, *args))
                else:
                    raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted "
                                          f"via `add_safe_globals` but got {cls}")
            elif op == 0x62:                                 # BUILD   inst.__setstate__(state)
                state = stack.pop()
                self._build(stack[-1], state, user)
            elif op == 0x51:                                 # BINPERSID
                pid = stack.pop()
                if type(pid) is not tuple and type(pid) is not int:
                    raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
                if type(pid) is tuple and len(pid) > 0 and _ascii(pid[0]) != "storage":
                    raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
                if self.persistent_load is None:
                    raise UnpicklingError("unsupported persistent id encountered")
                stack.append(self.persistent_load(pid))
            # ---- containers
            elif op == 0x61:                                 # APPEND
                item = stack.pop()
                if type(stack[-1]) is not list:
                    raise UnpicklingError(f"Can only append to lists, but got {type(stack[-1])}")
                stack[-1].append(item)
            elif op == 0x65:                                 # APPENDS
                items = pop_mark()
                if type(stack[-1]) is not list:
                    raise UnpicklingError(f"Can only extend lists, but got {type(stack[-1])}")
                stack[-1].extend(items)
            elif op == 0x73:                                 # SETITEM
                v, k = stack.pop(), stack.pop()
                _check_dict(stack[-1], "SETITEM")
                stack[-1][k] = v
            elif op == 0x75:                                 # SETITEMS
                items = pop_mark()
                _check_dict(stack[-1], "SETITEMS")
                for i in range(0, len(items), 2):
                    stack[-1][items[i]] = items[i + 1]
            elif op == 0x28:                                 # MARK
                metastack.append(stack)
                stack = []
            elif op == 0x74:                                 # TUPLE
                items = pop_mark()
                stack.append(tuple(items))
            elif op == 0x85:                                 # TUPLE1
                stack[-1] = (stack[-1],)
            elif op == 0x86:                                 # TUPLE2
                stack[-2:] = [(stack[-2], stack[-1])]
            elif op == 0x87:                                 # TUPLE3
                stack[-3:] = [(stack[-3], stack[-2], stack[-1])]
            elif op == 0x29:                                 # EMPTY_TUPLE
                stack.append(())
            elif op == 0x5D:                                 # EMPTY_LIST
                stack.append([])
            elif op == 0x7D:                                 # EMPTY_DICT
                stack.append({})
            elif op == 0x8F:                                 # EMPTY_SET
                stack.append(set())
            # ---- scalars
            elif op == 0x4E:                                 # NONE
                stack.append(None)
            elif op == 0x88:                                 # NEWTRUE
                stack.append(True)
            elif op == 0x89:                                 # NEWFALSE
                stack.append(False)
            elif op == 0x4A:                                 # BININT
                stack.append(_INT4.unpack(read(4))[0])
            elif op == 0x4B:                                 # BININT1
                stack.append(read(1)[0])
            elif op == 0x4D:                                 # BININT2
                stack.append(_UINT2.unpack(read(2))[0])
            elif op == 0x8A:                                 # LONG1
                n = read(1)[0]
                stack.append(decode_long(read(n)))
            elif op == 0x47:                                 # BINFLOAT
                stack.append(_FLOAT8.unpack(read(8))[0])
            elif op == 0x58:                                 # BINUNICODE
                n = _UINT4.unpack(read(4))[0]
                stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif op == 0x55:                                 # SHORT_BINSTRING
                data = read(read(1)[0])
                stack.append(data if self.encoding == "bytes" else data.decode(self.encoding, "strict"))
            # ---- the memo
            elif op == 0x68:                                 # BINGET
                stack.append(memo[read(1)[0]])
            elif op == 0x6A:                                 # LONG_BINGET
                stack.append(memo[_UINT4.unpack(read(4))[0]])
            elif op == 0x71:                                 # BINPUT
                memo[read(1)[0]] = stack[-1]
            elif op == 0x72:                                 # LONG_BINPUT
                memo[_UINT4.unpack(read(4))[0]] = stack[-1]
            # ---- first and last
            elif op == 0x80:                                 # PROTO
                proto = read(1)[0]
                if proto != 2:
                    warnings.warn(f"Detected pickle protocol {proto} in the checkpoint, which was not the default "
                                  "pickle protocol used by `torch.load` (2). The weights_only Unpickler might not "
                                  "support all instructions implemented by this protocol.", stacklevel=2)
            elif op == 0x2E:                                 # STOP
                return stack.pop()
            else:
                raise UnpicklingError(f"Unsupported operand {op}")

    def _find_global(self, user):
        module = self.readline()[:-1].decode("utf-8")
        name = self.readline()[:-1].decode("utf-8")
        # protocol 2 may spell builtins by their Python 2 names; map them as pickle does
        if (module, name) in NAME_MAPPING:
            module, name = NAME_MAPPING[(module, name)]
        elif module in IMPORT_MAPPING:
            module = IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        obj = G.lookup(full)                 # raises a clear TypeError for bfloat16, complex ...
        if obj is None:
            obj = user.get(full)
        if obj is None:
            shown = full[len("builtins."):] if full.startswith("builtins.") else full
            raise UnpicklingError(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
                f"`torch.serialization.add_safe_globals([{shown}])` or the "
                f"`torch.serialization.safe_globals([{shown}])` context manager to allowlist this global "
                "if you trust this class/function.")
        return obj

    def _build(self, inst, state, user):
        from ._tensor import Tensor
        if type(inst) is collections.OrderedDict:
            inst.__dict__.update(state)                  # a state_dict's _metadata
        elif isinstance(inst, Tensor) and type(inst) in (Tensor, G.TORCH_GLOBALS["torch.nn.parameter.Parameter"]):
            G._set_state(inst, state)
        elif _is_allowed(type(inst), user):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
            else:
                slots = None
                if isinstance(state, tuple) and len(state) == 2:
                    state, slots = state
                if state:
                    inst.__dict__.update(state)
                for k, v in (slots or {}).items():
                    setattr(inst, k, v)
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted "
                                  f"via `add_safe_globals`, but got {type(inst)}")


def _check_dict(target, opcode):
    if type(target) not in (dict, collections.OrderedDict, collections.Counter):
        raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, "
                              f"collections.Counter, but got {type(target)}")


def _ascii(s):
    return s.decode("ascii") if isinstance(s, bytes) else s

