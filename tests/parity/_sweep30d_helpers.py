"""Helpers of the sweep30d parity tests (test_sweep30d.py, test_sweep30d_more.py): the same
expression on torch and glasstorch compared by repr, or torch's exception raised alike."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import same_error


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def same_repr(fn, *arrays):
    """``fn(m, *tensors)``: the same repr on both libraries (layout, indices, values, dtype, grad_fn),
    or torch's exception raised alike."""
    def run(m):
        return fn(m, *[m.from_numpy(a.copy()) for a in arrays])
    try:
        want = _quiet(lambda: run(torch))
    except Exception as e:      # noqa: BLE001 - torch's error is the expectation
        if "is only available for these backends" in str(e):
            # a dispatcher error: torch lists its build's backends, glasstorch the list's start
            with pytest.raises(type(e)) as info:
                _quiet(lambda: run(glasstorch))
            assert str(info.value).split(" is only available")[0] == str(e).split(" is only available")[0]
            return
        _quiet(lambda: same_error(run))
        return
    got = _quiet(lambda: run(glasstorch))
    assert repr(got) == repr(want), f"torch:\n{want!r}\nglasstorch:\n{got!r}"


def _sparse_matrix(seed, rows, cols, density, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return (rng.integers(-4, 5, (rows, cols)) * (rng.random((rows, cols)) < density)).astype(dtype)


D = np.array([[0., 1., 0.], [2., 0., -3.], [0., 0., 0.]], np.float32)
