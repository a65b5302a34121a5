from .._decorator import functional_datapipe
from ..utils.common import _check_unpickable_fn
from ..datapipe import IterDataPipe
from ._common import select_args, sized_len

__all__ = ["MapperIterDataPipe"]


def _apply(fn, data, input_col, output_col):
    """fn over the selected columns; the result replaces the first input column, or lands in output_col
    (-1 appends), as torch's Mapper does."""
    res = fn(*select_args(data, input_col))
    if input_col is None and output_col is None:
        return res
    t_flag = isinstance(data, tuple)
    if t_flag:
        data = list(data)
    if output_col is None:
        if isinstance(input_col, (list, tuple)):
            data[input_col[0]] = res
            for idx in sorted(input_col[1:], reverse=True):
                del data[idx]
        else:
            data[input_col] = res
    elif output_col == -1:
        data.append(res)
    else:
        data[output_col] = res
    return tuple(data) if t_flag else data


def _check_cols(input_col, output_col):
    if input_col is None and output_col is not None:
        raise ValueError("`output_col` must be None when `input_col` is None.")
    if isinstance(output_col, (list, tuple)):
        if len(output_col) > 1:
            raise ValueError("`output_col` must be a single-element list or tuple")
        output_col = output_col[0]
    return output_col


@functional_datapipe("map")
class MapperIterDataPipe(IterDataPipe):
    def __init__(self, datapipe, fn, input_col=None, output_col=None):
        super().__init__()
        self.datapipe = datapipe
        _check_unpickable_fn(fn)
        self.fn = fn
        self.input_col = input_col
        self.output_col = _check_cols(input_col, output_col)

    def _apply_fn(self, data):
        return _apply(self.fn, data, self.input_col, self.output_col)

    def __iter__(self):
        for data in self.datapipe:
            yield self._apply_fn(data)

    def __len__(self):
        return sized_len(self, self.datapipe)
