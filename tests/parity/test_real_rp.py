"""Parity pins from running aladdinpersson/Machine-Learning-Collection (ML/Pytorch) unchanged on both libraries.

Fixed in glasstorch:
- ``torch.tensor`` / ``as_tensor`` / ``Tensor`` / ``LongTensor`` ... of an object that is not a list,
  tuple, ndarray or tensor: torch ignores ``__array__`` ("Could not infer dtype of A" when the object
  is no sequence) and reads any other object by the sequence protocol: its shape from ``len(x)`` and
  ``x[0]`` (an item 0 that cannot be read is "ValueError: could not determine the shape of object type
  'Series'", whatever it raised), its dtype from the items ``x[i]``, the values it stores from
  iterating ``x`` (a DataFrame-like whose iteration gives labels is "TypeError: not a sequence").
  glasstorch used ``np.array(x)`` for anything with ``__array__``, so a pandas Series with a labelled
  index was accepted (Basics/custom_dataset/custom_FCNN.py: ``torch.tensor(df.iloc[i, 0:11])``
  raises on torch 2.13 with pandas 3); nested such objects (a list of Series) failed with "Could not
  infer dtype of Series" (glasstorch/_creation.py, glasstorch/_creation_seqlike.py).
- given a dtype, torch infers none: a non-sequence (a dict, a set, any object) is stored as a number
  and fails as one ("must be real number, not dict", "'set' object cannot be interpreted as an
  integer"), not "Could not infer dtype of dict" (found trying variants of the fix above).

Programs run unchanged with the same output (float noise aside): Basics (fully connected, CNN,
RNN/LSTM, bidirectional LSTM, tensorbasics, load/save checkpoint, set seeds, lr scheduler, mixed
precision), GANs (simple, DCGAN, WGAN-GP), object_detection metrics and YOLOv1, VAE, captioning
decoder, UNET, LeNet, VGG, GoogLeNet, ResNet, EfficientNet.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_outcome


class Labelled:
    """A Series-like: items by label (``x[0]`` is a KeyError), NumPy scalars by label, Python numbers
    when iterated, and an ``__array__``."""

    def __init__(self, values, labels=None, np_type=np.float64):
        self.values = list(values)
        self.labels = list(labels) if labels is not None else list(range(len(self.values)))
        self.np_type = np_type

    def __len__(self):
        return len(self.values)

    def __getitem__(self, key):
        if key not in self.labels:
            raise KeyError(key)
        return self.np_type(self.values[self.labels.index(key)])

    def __iter__(self):
        return iter([float(v) if self.np_type(0).dtype.kind == "f" else v for v in self.values])

    def __array__(self, dtype=None, copy=None):
        return np.array(self.values, dtype=dtype)


class Table:
    """A DataFrame-like: ``x[0]`` is column 0, iterating gives the column labels."""

    def __init__(self, cols):
        self.cols = cols

    def __len__(self):
        return len(self.cols[0])

    def __getitem__(self, key):
        return self.cols[key]

    def __iter__(self):
        return iter(range(len(self.cols)))

    def __array__(self, dtype=None, copy=None):
        return np.array(self.cols, dtype=dtype).T


class ArrayOnly:
    def __array__(self, dtype=None, copy=None):
        return np.arange(3.0)


class LateKeyError:
    def __len__(self):
        return 3

    def __getitem__(self, i):
        if i == 2:
            raise KeyError("late")
        return 1.0


CTORS = {
    "tensor": lambda m, x: m.tensor(x),
    "tensor_f32": lambda m, x: m.tensor(x, dtype=m.float32),
    "tensor_i64": lambda m, x: m.tensor(x, dtype=m.int64),
    "as_tensor": lambda m, x: m.as_tensor(x),
    "Tensor": lambda m, x: m.Tensor(x),
    "LongTensor": lambda m, x: m.LongTensor(x),
    "DoubleTensor": lambda m, x: m.DoubleTensor(x),
}

OBJECTS = {
    "labelled_index": lambda: Labelled([1.5, 2.5], labels=["a", "b"]),
    "shifted_index": lambda: Labelled([1.5, 2.5], labels=[1, 2]),
    "range_index_f64": lambda: Labelled([1.5, 2.5]),
    "range_index_f32": lambda: Labelled([1.5, 2.5], np_type=np.float32),
    "range_index_i32": lambda: Labelled([3, 4], np_type=np.int32),
    "range_index_bool": lambda: Labelled([True, False], np_type=np.bool_),
    "empty": lambda: Labelled([]),
    "array_only": ArrayOnly,
    "late_key_error": LateKeyError,
    "table": lambda: Table([[1, 2], [3, 4]]),
    "list_of_series": lambda: [Labelled([1.0, 2.0]), Labelled([3.0, 4.0])],
    "list_of_labelled": lambda: [Labelled([1.0, 2.0], labels=["a", "b"])],
    "tuple_of_f32_series": lambda: (Labelled([1.0, 2.0], np_type=np.float32),),
    "ragged_series": lambda: [Labelled([1.0, 2.0]), Labelled([3.0])],
    "second_labelled": lambda: [Labelled([1.0]), Labelled([2.0], labels=["a"])],
}


@pytest.mark.parametrize("ctor", sorted(CTORS))
@pytest.mark.parametrize("obj", sorted(OBJECTS))
def test_tensor_from_sequence_protocol_objects(ctor, obj):
    same_outcome(lambda m: CTORS[ctor](m, OBJECTS[obj]()))


def test_labelled_series_error_message():
    # custom_FCNN.py's torch.tensor(row) on a labelled row: torch's exact error
    import torch
    import glasstorch
    for m in (torch, glasstorch):
        with pytest.raises(ValueError, match=r"^could not determine the shape of object type 'Labelled'$"):
            m.tensor(Labelled([0.1, 0.2], labels=["f0", "f1"]))
        with pytest.raises(RuntimeError, match=r"^Could not infer dtype of ArrayOnly$"):
            m.as_tensor(ArrayOnly())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=0, max_size=6),
       st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.int16, np.uint8, np.bool_]),
       st.sampled_from(sorted(CTORS)), st.booleans(), st.booleans())
def test_series_like_any_dtype(values, np_type, ctor, labelled, nested):
    kind = np.dtype(np_type).kind
    vals = [bool(v) if kind == "b" else int(v) % 200 if kind in "iu" else float(np_type(v)) for v in values]
    labels = [f"c{i}" for i in range(len(vals))] if labelled else None

    def build():
        s = Labelled(vals, labels=labels, np_type=np_type)
        return [s, Labelled(vals, labels=labels, np_type=np_type)] if nested else s
    same_outcome(lambda m: CTORS[ctor](m, build()))


BUILTIN_DATA = ["range(3)", "range(0)", "bytearray(b'ab')", "memoryview(b'ab')", "array.array('d', [1, 2])",
                "[range(2), range(2)]", "[range(2), range(3)]", "{1: 2}", "{1, 2}", "object()", "[1, object()]"]


@pytest.mark.parametrize("ctor", sorted(CTORS))
@pytest.mark.parametrize("data", BUILTIN_DATA)
def test_tensor_from_builtin_sequences_and_non_numbers(ctor, data):
    # with a dtype torch infers nothing: a dict or set is stored as a number and fails as one
    import array  # noqa: F401  (named in the expressions)
    same_outcome(lambda m: CTORS[ctor](m, eval(data)))
