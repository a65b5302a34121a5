"""``torch.jit.annotations``: the typing names TorchScript code imports from it (``from
torch.jit.annotations import List``, as timm's densenet does).  They are ``typing``'s own objects, as in torch."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401

from .._jit_internal import BroadcastingList1, BroadcastingList2, BroadcastingList3  # noqa: F401


class Module:
    """A namespace TorchScript's annotation evaluator resolves dotted names in."""

    def __init__(self, name, members):
        self.name = name
        self.members = members

    def __getattr__(self, name):
        try:
            return self.members[name]
        except KeyError:
            raise RuntimeError(f"Module {self.name} has no member called {name}") from None
