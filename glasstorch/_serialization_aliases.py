"""The sizes, version numbers and type aliases ``torch.serialization`` exports next to ``save`` /
``load``.  Libraries annotate with them at import time (pyro's param store does
``from torch.serialization import MAP_LOCATION``), so they must exist even though glasstorch's
own loader does not read them."""
import struct
import sys
from collections.abc import Callable
from typing import TypeAlias

from ._device import device
from .storage import TypedStorage, UntypedStorage
from .types import FileLike, Storage  # noqa: F401  (torch.serialization re-exports both)

# torch measures them with struct's standard ("=") sizes, so LONG_SIZE is 4 even on 64-bit Linux
LONG_SIZE = struct.Struct("=l").size
INT_SIZE = struct.Struct("=i").size
SHORT_SIZE = struct.Struct("=h").size

PROTOCOL_VERSION = 1001
STORAGE_KEY_SEPARATOR = ","
IS_WINDOWS = sys.platform == "win32"

MAP_LOCATION: TypeAlias = Callable[[Storage, str], Storage] | device | str | dict[str, str] | None
STORAGE: TypeAlias = Storage | TypedStorage | UntypedStorage
