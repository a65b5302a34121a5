"""Parity for what the sweep8 programs (tests/programs/sweep8_*.py) exposed: inference tensors
outside inference mode, version bumps of in-place geometry changes, and the forward-op name in the
"modified by an inplace operation" error."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error, same_on_both


def _inference_ones(m, n=3):
    with m.inference_mode():
        return m.ones(n)


# ---- in-place changes to inference tensors, once inference mode is left -----------------------
INPLACE = {
    "add_": lambda m, t: t.add_(1),
    "mul_": lambda m, t: t.mul_(2),
    "sigmoid_": lambda m, t: t.sigmoid_(),
    "clamp_": lambda m, t: t.clamp_(0, 1),
    "zero_": lambda m, t: t.zero_(),
    "fill_": lambda m, t: t.fill_(2.0),
    "copy_": lambda m, t: t.copy_(m.zeros(3)),
    "setitem": lambda m, t: t.__setitem__(0, 5.0),
    "uniform_": lambda m, t: t.uniform_(),
    "index_fill_": lambda m, t: t.index_fill_(0, m.tensor([0]), 1.0),
    "masked_fill_": lambda m, t: t.masked_fill_(m.tensor([True, False, False]), 1.0),
    "scatter_": lambda m, t: t.scatter_(0, m.tensor([0]), 1.0),
    "init.normal_": lambda m, t: m.nn.init.normal_(t),
    "out=": lambda m, t: m.add(m.ones(3), 1, out=t),
    "view add_": lambda m, t: t[1:].add_(1),
    "view of detach add_": lambda m, t: t.detach()[1:].add_(1),
    "unsqueeze_": lambda m, t: t.unsqueeze_(0),
    "under no_grad": lambda m, t: m.no_grad().__enter__() or t.add_(1),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_inference_tensor_outside_inference_mode_is_refused(name):
    try:
        same_error(lambda m: INPLACE[name](m, _inference_ones(m)))
    finally:
        torch.set_grad_enabled(True)
        glasstorch.set_grad_enabled(True)


def test_the_refused_inplace_still_wrote_the_data_as_torch_does():
    got = []
    for m in MODS:
        t = _inference_ones(m)
        with pytest.raises(RuntimeError):
            t.add_(1)
        got.append(t.tolist())
    assert got[0] == got[1]


def test_detach_and_data_of_an_inference_tensor_can_change_in_place():
    same_on_both(lambda m: [_inference_ones(m).detach().add_(1), _inference_ones(m).data.mul_(3)], [], grad=False)
    same_on_both(lambda m: [m.tensor(_inference_ones(m).detach().add_(1)._version)], [], grad=False)


def test_inplace_inside_inference_mode_is_allowed():
    def f(m):
        t = _inference_ones(m)
        with m.inference_mode():
            t.add_(1)
            n = m.ones(2)
            n.mul_(3)
        return t, n
    same_on_both(f, [], grad=False)


@pytest.mark.parametrize("what", ["t", "detach", "data", "view", "clone", "sum"])
def test_which_tensors_are_inference_tensors(what):
    ops = {"t": lambda t: t, "detach": lambda t: t.detach(), "data": lambda t: t.data, "view": lambda t: t[1:],
           "clone": lambda t: t.clone(), "sum": lambda t: t.sum()}
    got = [ops[what](_inference_ones(m)).is_inference() for m in MODS]
    assert got[0] == got[1]


def test_views_and_detach_of_normal_tensors_inside_inference_mode_stay_normal():
    got = []
    for m in MODS:
        n = m.ones(3)
        with m.inference_mode():
            v, d, fresh = n[1:], n.detach(), m.ones(2)
            v.add_(1)
            got.append((v.is_inference(), d.is_inference(), fresh.is_inference(), n._version))
    assert got[0] == got[1]


def test_version_of_inference_tensor():
    same_error(lambda m: _inference_ones(m)._version)


@pytest.mark.parametrize("op", ["mul", "linear", "detached", "view"])
def test_inference_tensors_cannot_be_saved_for_backward(op):
    fns = {"mul": lambda m, w, t: w * t,
           "linear": lambda m, w, t: m.nn.functional.linear(t.view(1, 3), w.view(1, 3)),
           "detached": lambda m, w, t: w * t.detach(),
           "view": lambda m, w, t: w[1:] * t[1:]}
    same_error(lambda m: fns[op](m, m.ones(3, requires_grad=True), _inference_ones(m)))


def test_inference_tensors_that_are_not_saved_are_fine():
    same_on_both(lambda m, w: [w + _inference_ones(m), w * _inference_ones(m).clone()],
                 [np.arange(3, dtype=np.float32)])


def test_parameter_over_an_inference_tensor():
    same_error(lambda m: m.nn.Parameter(_inference_ones(m)))
    got = [m.nn.Parameter(_inference_ones(m), requires_grad=False).is_inference() for m in MODS]
    assert got[0] == got[1]


def test_module_built_in_inference_mode_then_trained():
    def f(m):
        with m.inference_mode():
            bn = m.nn.BatchNorm1d(2)
        bn(m.ones(4, 2))
    same_error(f)


# ---- in-place geometry changes bump the version -------------------------------------------------
GEOMETRY = {
    "t_": lambda x: x.t_(),
    "unsqueeze_": lambda x: x.unsqueeze_(0),
    "squeeze_": lambda x: x.unsqueeze(0).squeeze_(),
    "transpose_": lambda x: x.transpose_(0, 1),
    "swapdims_": lambda x: x.swapdims_(0, 1),
    "as_strided_": lambda x: x.as_strided_((3, 2), (1, 3)),
}


@pytest.mark.parametrize("name", sorted(GEOMETRY))
def test_inplace_geometry_change_bumps_version(name):
    got = []
    for m in MODS:
        x = m.ones(2, 3)
        r = GEOMETRY[name](x)
        got.append((x._version, r._version, tuple(r.shape)))
    assert got[0] == got[1]


@pytest.mark.parametrize("name", ["t_", "transpose_", "unsqueeze_"])
def test_saved_tensor_changed_by_geometry_inplace_is_caught(name):
    def f(m):
        w = m.ones(2, 3, requires_grad=True)
        y = w * 2
        z = y.sin()
        GEOMETRY[name](y)
        z.sum().backward()
    same_error(f)


def test_forward_op_name_keeps_a_nonzero_suffix():
    # y's node after squeeze_() is SqueezeBackward3: torch reports it as "Squeeze3" (MulBackward0 is "Mul")
    def f(m):
        w = m.ones(1, 3, requires_grad=True)
        y = w * 2
        z = y.sin()
        y.squeeze_()
        z.sum().backward()
    same_error(f)


# ---- views made inside a custom Function (full backward hooks included) --------------------------
def _hooked_conv(m, inplace_relu_inside=False):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Conv2d(1, 2, 3), m.nn.ReLU(inplace=True))
    return net


@pytest.mark.parametrize("where", ["layer_before_inplace_relu", "whole_block", "relu_itself"])
def test_full_backward_hook_then_inplace_relu(where):
    # the Grad-CAM pitfall: a full backward hook on a layer followed by ReLU(inplace=True)
    def f(m):
        net = _hooked_conv(m)
        target = {"layer_before_inplace_relu": net[0], "whole_block": net, "relu_itself": net[1]}[where]
        target.register_full_backward_hook(lambda *a: None)
        net(m.ones(1, 1, 5, 5, requires_grad=True)).sum().backward()
    if where == "whole_block":        # nothing in place on the hooked outputs: works on both
        for m in MODS:
            f(m)
    else:
        same_error(f)


@pytest.mark.parametrize("change", ["add_", "view", "select", "detach", "no_grad"])
def test_inplace_on_backward_hook_output(change):
    def f(m):
        conv = m.nn.Conv2d(1, 2, 3)
        conv.register_full_backward_hook(lambda *a: None)
        y = conv(m.ones(1, 1, 5, 5))
        if change == "add_":
            y.add_(1)
        elif change == "view":
            y.view(-1).mul_(2)
        elif change == "select":
            y[0].zero_()
        elif change == "detach":
            y.detach().add_(1)
        else:
            with m.no_grad():
                y.add_(1)
        return m.tensor(y._version)
    if change in ("detach", "no_grad"):
        same_on_both(f, [], grad=False)
    else:
        same_error(f)


def test_backward_hook_output_is_a_view():
    got = []
    for m in MODS:
        conv = m.nn.Conv2d(1, 2, 3)
        conv.register_full_backward_hook(lambda *a: None)
        y = conv(m.ones(1, 1, 5, 5))
        got.append((y._base is not None, y.grad_fn.name(), y._base.grad_fn.name()))
    assert got[0] == got[1]


def _custom_functions(m):
    class Id(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Flat(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view(-1)

        @staticmethod
        def backward(ctx, g):
            return g.view(2, 2)

    class Dirty(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x.mul_(2)

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return Id, Flat, Dirty


@pytest.mark.parametrize("case", ["id", "id_leaf", "flat", "select_of_id"])
def test_inplace_on_custom_function_view_output(case):
    def f(m):
        Id, Flat, _ = _custom_functions(m)
        x = m.ones(2, 2, requires_grad=True)
        if case == "id":
            Id.apply(x * 1).add_(1)
        elif case == "id_leaf":
            Id.apply(x).add_(1)
        elif case == "flat":
            Flat.apply(x * 1).add_(1)
        else:
            Id.apply(x * 1)[0].add_(1)
    same_error(f)


def test_dirty_custom_function_output_can_change_in_place():
    def f(m, x):
        _, _, Dirty = _custom_functions(m)
        a = x * 1
        y = Dirty.apply(a)
        return m.tensor([y is a, a._version]), y.add_(1)
    same_on_both(f, [np.ones((2, 2), np.float32)])


def test_full_backward_hook_without_input_grads_warns_and_sees_nones():
    import warnings
    got = []
    for m in MODS:
        seen = []
        lin = m.nn.Bilinear(2, 2, 1)
        lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, len(go))))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lin(m.ones(1, 2), m.ones(1, 2)).sum().backward()
        got.append((seen, [str(x.message) for x in w], [x.category.__name__ for x in w]))
    assert got[0] == got[1]


def test_full_backward_hook_without_input_grads_must_return_none():
    def f(m):
        lin = m.nn.Linear(2, 1)
        lin.register_full_backward_hook(lambda mod, gi, go: (m.ones(1, 2),))
        lin(m.ones(1, 2)).sum().backward()
    same_error(f)


def test_inference_mode_false_turns_grad_mode_back_on():
    got = []
    for m in MODS:
        r = []
        with m.no_grad():
            with m.inference_mode(False):
                r.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        with m.inference_mode():
            with m.inference_mode(False):
                t = m.ones(2)
                r.append((m.is_grad_enabled(), m.is_inference_mode_enabled(), t.is_inference()))
            r.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
            t.add_(1)
        r.append((m.is_grad_enabled(), m.is_inference_mode_enabled(), t.tolist()))
        got.append(r)
    assert got[0] == got[1]
