"""How a Module prints (torch's ``Module.__repr__``): its ``extra_repr``, then each child as
``(name): Child(...)``, indented two spaces per level."""

__all__ = ["module_repr"]


def _addindent(s, n):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join((n * " ") + line for line in lines[1:])


def module_repr(module):
    extra = module.extra_repr()
    lines = extra.split("\n") if extra else []
    children = [f"({name}): " + _addindent(repr(m), 2) for name, m in module._modules.items()]
    lines = lines + children
    if not lines:
        return module._get_name() + "()"
    if len(lines) == 1 and not children:
        return module._get_name() + "(" + lines[0] + ")"
    return module._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
