"""``torch.ScriptModule`` (= ``torch._C.ScriptModule``): the C++ module object behind a scripted module.

In torch it is the class of ``torch.jit.script(m)._c``, not of the scripted module itself (that is
``torch.jit.ScriptModule``, a Python ``nn.Module``).  glasstorch runs scripted modules as Python and
has no C++ object behind them, so nothing is an instance of it; libraries import the name for
annotations and ``isinstance`` checks, which then answer as torch's do for ordinary modules.
"""


class ScriptObject:
    """``torch.ScriptObject``: the base of TorchScript's C++ objects."""

    def __init__(self, *args, **kwargs):
        raise TypeError("torch._C.ScriptObject: No constructor defined!")


class ScriptModule(ScriptObject):
    def __init__(self, *args, **kwargs):
        # torch's pybind11 constructor wants (name, CompilationUnit, bool); none can be built here
        raise TypeError("__init__(): incompatible constructor arguments. The following argument types are "
                        "supported:\n    1. torch._C.ScriptModule(arg0: str, arg1: torch::jit::CompilationUnit, "
                        "arg2: bool)\n\nInvoked with: " + ", ".join(map(repr, args)))
