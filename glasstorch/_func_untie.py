"""How ``torch.func.functional_call`` reads its dictionaries: merging a list of them, untying tied
weights, and the ``strict`` key check, in torch's order (torch.nn.utils.stateless)."""
from collections.abc import Sequence


def merge_dicts(parameter_and_buffer_dicts):
    """One ``{name: tensor}`` map from a dict or a list/tuple of dicts (a key in two is an error)."""
    if isinstance(parameter_and_buffer_dicts, dict):
        return parameter_and_buffer_dicts
    if isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                             "ambiguous")
        return {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, "
                     f"but got {type(parameter_and_buffer_dicts)}")


def _all_named(module):
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    return named


def untie(module, given):
    """A copy of ``given`` where a value for one name of a tied tensor stands for all its names.

    Several names of one tied tensor given different tensors is torch's ValueError; torch compares
    the values of *all* the tied names there, so a group with a name left out raises its KeyError."""
    by_tensor = {}
    for name, t in _all_named(module).items():
        by_tensor.setdefault(id(t), set()).add(name)
    tied = {n: names for names in by_tensor.values() if len(names) > 1 for n in names}
    given_tied = {n for n in given if n in tied}
    for n in given_tied:
        names = tied[n]
        if len(names & given_tied) > 1 and len({id(given[m]) for m in names}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             "Consider using tie_weights=False")
    out = dict(given)
    for n in given_tied:
        for m in tied[n]:
            out[m] = given[n]
    return out


def check_strict(module, given):
    """torch's ``strict=True`` check: every name of every parameter and buffer, tied ones included."""
    keys = set(given)
    valid = set(_all_named(module))
    missing, unexpected = sorted(valid - keys), sorted(keys - valid)
    msg = []
    if unexpected:
        msg.append("Unexpected key(s): " + ", ".join(map(repr, unexpected)) + ".")
    if missing:
        msg.append("Missing key(s): " + ", ".join(map(repr, missing)) + ".")
    if msg:
        raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(module._get_name(), "\n\t".join(msg)))
