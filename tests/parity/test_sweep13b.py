"""Parity tests for bugs found by the sweep13b docs-examples programs."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both, same_result_or_error


@pytest.mark.parametrize("sizes", [(3, 2), (2, 3), (3, 2, 4), (1, 4, 2)])
def test_meshgrid_xy_shapes_and_values(sizes):
    # indexing='xy' swaps the first two inputs, builds 'ij' grids and swaps the first two outputs
    # back; it does not transpose the grids (the outputs have shape (len(y), len(x), ...)).  Gradients
    # are sums of expanded upstream gradients, whose order may differ in the last bit
    arrays = [np.arange(n, dtype=np.float64) + 10 * i for i, n in enumerate(sizes)]
    same_on_both(lambda t, *xs: t.meshgrid(*xs, indexing="xy"), arrays, grad_rtol=1e-12)
    same_on_both(lambda t, *xs: t.meshgrid(list(xs), indexing="ij"), arrays, grad_rtol=1e-12)


@pytest.mark.parametrize("dims", [((1, 1), (0, 2)), ((1, 0), (2, -1)), ((0, -3), (1, 2)), ((1, 0), (2, 0))])
def test_movedim_repeated_dims(dims):
    same_result_or_error(lambda t, x: t.movedim(x, *dims), [np.zeros((2, 3, 4))])


@pytest.mark.parametrize("size", [0, -1, 2])
def test_split_size_zero_message(size):
    same_result_or_error(lambda t, x: t.split(x, size), [np.arange(5.0)])
    same_result_or_error(lambda t, x: x.split(size, 0), [np.arange(5.0)])


@pytest.mark.parametrize("reps,kw", [
    (np.array([1, 2, 3]), {}), (np.array([[1, 2]]), {}), (np.array([1, -2]), {}), (-1, {}),
    (np.array([3]), {}), (np.array(2), {}), (np.array([1.0, 2.0], np.float32), {}),
    (np.array([1, 2]), {"output_size": 5}), (np.array([1, 2]), {"output_size": 3}), (2, {"output_size": 4}),
])
def test_repeat_interleave_checks(reps, kw):
    same_result_or_error(lambda t, x, r: t.repeat_interleave(x, r, **kw), [np.array([1, 2]), reps])
    same_result_or_error(lambda t, x, r: x.repeat_interleave(r, dim=0, **kw), [np.array([1, 2]), reps])


def test_repeat_interleave_mismatch_along_dim():
    same_error(lambda t: t.repeat_interleave(t.tensor([[1, 2], [3, 4]]), t.tensor([1, 2, 3]), dim=1))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_])
def test_inverse_of_integer_matrix_raises(dtype):
    a = np.array([[2, 1], [0, 3]]).astype(dtype)
    same_error(lambda t: t.linalg.inv(t.from_numpy(a.copy())))
    same_error(lambda t: t.inverse(t.from_numpy(a.copy())))
    same_error(lambda t: t.matrix_power(t.from_numpy(a.copy()), -2))
    same_error(lambda t: t.linalg.matrix_power(t.from_numpy(a.copy()), -1))
