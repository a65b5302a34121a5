"""Where ``nn.functional``'s warnings point: the user's line, as torch's ``stacklevel`` makes them.

Python's default filter shows a warning once per (message, file, line), so a warning that points at
glasstorch's code in place of the user's call shows once per program where torch shows it once per
calling line, and names the wrong place.  Each case below runs on torch and on glasstorch and compares
the warnings recorded: category, message, and whether they point at this file (and at which line).

Fixed in glasstorch: ``F.embedding_bag(weight, input)`` (the old argument order) swapped its arguments
silently; torch warns that the order changed (found while checking every warning of
``torch/nn/functional.py`` for where it points).
"""

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import warning_sites

_FILE = __file__


def _x(mod, *shape):
    return mod.tensor(np.random.default_rng(0).normal(size=shape).astype(np.float32))


CASES = {
    "dropout2d_3d": lambda m: m.nn.functional.dropout2d(_x(m, 3, 4, 4), 0.5),
    "dropout3d_4d": lambda m: m.nn.functional.dropout3d(_x(m, 2, 3, 4, 4), 0.5),
    "softmax_no_dim": lambda m: m.nn.functional.softmax(_x(m, 2, 3, 4)),
    "log_softmax_no_dim": lambda m: m.nn.functional.log_softmax(_x(m, 3, 4)),
    "softmin_no_dim": lambda m: m.nn.functional.softmin(_x(m, 3, 4)),
    "kl_div_mean": lambda m: m.nn.functional.kl_div(_x(m, 3, 4), _x(m, 3, 4)),
    "mse_sizes": lambda m: m.nn.functional.mse_loss(_x(m, 3, 4), _x(m, 2, 3, 4)),
    "l1_sizes": lambda m: m.nn.functional.l1_loss(_x(m, 3, 4), _x(m, 2, 3, 4)),
    "smooth_l1_sizes": lambda m: m.nn.functional.smooth_l1_loss(_x(m, 3, 4), _x(m, 2, 3, 4)),
    "huber_sizes": lambda m: m.nn.functional.huber_loss(_x(m, 3, 4), _x(m, 2, 3, 4)),
    "upsample": lambda m: m.nn.functional.upsample(_x(m, 1, 2, 3, 3), scale_factor=2),
    "upsample_nearest": lambda m: m.nn.functional.upsample_nearest(_x(m, 1, 2, 3, 3), scale_factor=2),
    "upsample_bilinear": lambda m: m.nn.functional.upsample_bilinear(_x(m, 1, 2, 3, 3), scale_factor=2),
    "grid_sample_default": lambda m: m.nn.functional.grid_sample(_x(m, 1, 2, 3, 3), m.zeros(1, 2, 2, 2)),
    "affine_grid_default": lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), [1, 2, 3, 3]),
    "affine_grid_unit": lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), [1, 2, 1, 3], align_corners=True),
    "embedding_bag_old_order": lambda m: m.nn.functional.embedding_bag(_x(m, 5, 3), m.tensor([[0, 1], [4, 4]])),
    "embedding_bag_1d_old_order": lambda m: m.nn.functional.embedding_bag(
        _x(m, 5, 3), m.tensor([0, 1, 4]), m.tensor([0, 2]), mode="sum"),
    "gumbel_eps": lambda m: m.nn.functional.gumbel_softmax(_x(m, 3, 4), eps=1e-3),
    "interpolate": lambda m: m.nn.functional.interpolate(_x(m, 1, 2, 3, 3), scale_factor=1.5, mode="bilinear"),
}


def _record(fn, mod):
    return warning_sites(fn, mod, _FILE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_warning_points_where_torch_points(name):
    glasstorch.manual_seed(0)
    want, want_out = _record(CASES[name], torch)
    got, got_out = _record(CASES[name], glasstorch)
    assert got == want
    if name.startswith("embedding_bag"):        # the swapped call computes torch's result too
        np.testing.assert_array_equal(got_out.numpy(), want_out.numpy())


def test_embedding_bag_new_order_is_quiet():
    def run(m):
        return _record(lambda m: m.nn.functional.embedding_bag(m.tensor([[0, 1]]), _x(m, 5, 3)), m)[0]
    assert run(glasstorch) == run(torch) == []


def _ops_that_warn_at_the_callers_line(m):
    x = m.ones(3)
    m.cov(x[:1])                                                   # degrees of freedom <= 0
    m.tensor([[1.0, 2.0], [3.0, 4.0]]).cov(correction=2)        # and as a method
    return m.nn.LSTM(2, 3, dropout=0.5), m.nn.GRU(2, 3, dropout=0.5)   # each class's own dropout warning


def test_warnings_point_at_the_callers_line_with_the_torch_function_checks_on():
    # a mode (or a Tensor subclass, or a meta tensor) switches glasstorch's wrapper functions on: the frames
    # they add are not counted, so warnings name the lines torch's name (they named one frame too far out)
    import torch.overrides
    import glasstorch.overrides

    def run(m):
        class Passing(m.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                return func(*args, **(kwargs or {}))       # torch's C++ warnings name this line
        with Passing():
            inside = warning_sites(_ops_that_warn_at_the_callers_line, m, _FILE)[0]
        return inside, warning_sites(_ops_that_warn_at_the_callers_line, m, _FILE)[0]
    want, got = run(torch), run(glasstorch)
    assert got == want
    assert glasstorch._torch_function.STATE.active


def test_layer_warnings_name_each_class_line_without_the_checks():
    assert warning_sites(_ops_that_warn_at_the_callers_line, glasstorch, _FILE)[0] == \
        warning_sites(_ops_that_warn_at_the_callers_line, torch, _FILE)[0]
