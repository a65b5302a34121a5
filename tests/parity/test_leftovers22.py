"""Small differences found by reading the previous stops' lists of things left alone:

* ``torch.tensor`` of NumPy scalars it cannot hold and of strings in lists: see the test.
* ``torch.return_types`` values name their type as the C type does in attribute errors
  (``'torch.return_types.sort' object has no attribute 'foo'``), and refuse writing a field with
  torch's "readonly attribute" (glasstorch said ``'sort' object`` and "property ... has no setter")."""
import numpy as np
import pytest

from ._helpers import same_error, same_result_or_error


@pytest.mark.parametrize("action", ["get", "set_new", "set_field", "del_field", "get_dunder"])
@pytest.mark.parametrize("fn", ["sort", "max", "topk_out"])
def test_return_type_attribute_errors(action, fn):
    def run(m):
        x = m.tensor([[2.0, 1.0, 3.0]])
        if fn == "sort":
            r = m.sort(x)
        elif fn == "max":
            r = m.max(x, 1)
        else:
            r = m.topk(x, 2, out=(m.empty(0), m.empty(0, dtype=m.long)))
        if action == "get":
            return r.foo
        if action == "set_new":
            r.foo = 1
        elif action == "set_field":
            r.values = 1
        elif action == "del_field":
            del r.indices
        else:
            return r.__foo__
    same_error(run)


_DATA = {
    "datetime_scalar": lambda: np.datetime64("2020-01-01"), "timedelta_scalar": lambda: np.timedelta64(1, "D"),
    "datetime_in_list": lambda: [np.datetime64("2020-01-01")], "str_scalar": lambda: np.str_("a"),
    "bytes_scalar": lambda: np.bytes_(b"a"), "void_scalar": lambda: np.void(b"ab"),
    "longdouble_scalar": lambda: np.longdouble(1.5), "longdouble_in_list": lambda: [np.longdouble(1)],
    "str_list": lambda: ["a"], "nested_str_list": lambda: [["ab"]], "str_tuple": lambda: ("a",),
    "number_then_str": lambda: [1, "a"], "empty_str": lambda: [""], "numpy_str_in_list": lambda: [np.str_("a")],
    "str_array_in_list": lambda: [np.array(["a"])], "plain_str": lambda: "a",
    "float32_scalar": lambda: np.float32(2.5), "mixed_scalars": lambda: [np.int8(1), np.float16(2)],
    "uint8_scalar": lambda: np.uint8(3), "bool_scalar": lambda: np.bool_(False),
}


@pytest.mark.parametrize("name", sorted(_DATA))
@pytest.mark.parametrize("fn", ["tensor", "as_tensor"])
def test_numpy_scalars_and_strings_become_tensors_or_torchs_error(name, fn):
    """NumPy scalars of types a tensor cannot hold (dates, longdouble, void) became tensors of NumPy's
    dtype (``tensor(2020-01-01, dtype=torch.datetime64[D])``); strings inside lists gave the top-level
    string's error where torch walks into the string ("too many dimensions 'str'")."""
    same_result_or_error(lambda m: getattr(m, fn)(_DATA[name]()), [])
