"""``torch.tensor(data, dtype=...)`` infers nothing: a leaf it cannot store as that dtype fails with the
unpacking error of the dtype's kind ("must be real number, not str" for floating and complex dtypes,
"'str' object cannot be interpreted as an integer" for integer and bool ones), the first such leaf in
depth-first order, where without a dtype the inference error comes first."""
import pytest

from ._helpers import same_error, same_outcome


class _Floaty:
    def __float__(self):
        return 2.5


@pytest.mark.parametrize("data", [[1, "a"], [[1], ["a"]], [1, None], [None, "a"], [1, object()], [1, [2]],
                                  [[1, 2], [3, "x"]], [[1, 2], [3]], [[1, "x"], [3]], ["a"], [1.5, b"a"], b"ab", "ab"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "int64", "int8", "uint8", "bool", None])
def test_unstorable_leaves(data, dtype):
    same_error(lambda m: m.tensor(data, dtype=None if dtype is None else getattr(m, dtype)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_leaves_with_float(dtype):
    same_outcome(lambda m: m.tensor([1, _Floaty()], dtype=getattr(m, dtype)))
