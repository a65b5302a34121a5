"""Helpers the pipes share: a pipe's ``__len__`` exists only when its source is Sized, and the
``input_col``/``output_col`` selection of Mapper and Filter."""
from collections.abc import Sized


def no_len(dp):
    return TypeError(f"{type(dp).__name__} instance doesn't have valid length")


def sized_len(dp, source):
    if isinstance(source, Sized):
        return len(source)
    raise no_len(dp)


def select_args(data, input_col):
    if input_col is None:
        return (data,)
    if isinstance(input_col, (list, tuple)):
        return tuple(data[c] for c in input_col)
    return (data[input_col],)
