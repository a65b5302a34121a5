from .._decorator import functional_datapipe
from ..utils.common import _check_unpickable_fn
from ..datapipe import IterDataPipe
from ._common import select_args

__all__ = ["FilterIterDataPipe"]


@functional_datapipe("filter")
class FilterIterDataPipe(IterDataPipe):
    def __init__(self, datapipe, filter_fn, input_col=None):
        super().__init__()
        self.datapipe = datapipe
        _check_unpickable_fn(filter_fn)
        self.filter_fn = filter_fn
        self.input_col = input_col

    def _apply_filter_fn(self, data):
        return self.filter_fn(*select_args(data, self.input_col))

    def __iter__(self):
        for data in self.datapipe:
            condition, filtered = self._returnIfTrue(data)
            if condition:
                yield filtered

    def _returnIfTrue(self, data):
        condition = self._apply_filter_fn(data)
        if not isinstance(condition, bool):
            raise ValueError("Boolean output is required for `filter_fn` of FilterIterDataPipe, got",
                             type(condition))
        return condition, data
