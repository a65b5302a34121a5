"""The list and dict a Node keeps its arguments in: they refuse to change in place (assign a new
``node.args`` instead, so the graph can update who uses what)."""

__all__ = ["immutable_list", "immutable_dict"]

_help = ("If you are attempting to modify the kwargs or args of a torch.fx.Node object,\n"
         "instead create a new copy of it and assign the copy to the node:\n\n"
         "    new_args = ...  # copy and mutate args\n"
         "    node.args = new_args")


def _no_mutation(self, *args, **kwargs):
    raise TypeError(f"{type(self).__name__!r} object does not support mutation. {_help}")


class immutable_list(list):
    """A list that cannot change in place."""
    __delitem__ = __iadd__ = __imul__ = __setitem__ = append = clear = extend = insert = pop = remove = \
        reverse = sort = _no_mutation
    __hash__ = lambda self: hash(tuple(self))  # noqa: E731

    def __reduce__(self):
        return (immutable_list, (tuple(self),))


class immutable_dict(dict):
    """A dict that cannot change in place."""
    __delitem__ = __ior__ = __setitem__ = clear = pop = popitem = setdefault = update = _no_mutation
    __hash__ = lambda self: hash(tuple(self.items()))  # noqa: E731

    def __reduce__(self):
        return (immutable_dict, (tuple(self.items()),))
