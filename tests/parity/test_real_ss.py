"""Parity pins from running segmentation_models_pytorch 0.6.0 and pytorch-tabnet 4.1.0 unchanged.

Both programs (Unet / FPN / DeepLabV3+ / Linknet / PSPNet / UnetPlusPlus / MAnet / UPerNet /
Segformer / DPT on resnet, mobilenet, efficientnet, timm encoders; smp's losses and metrics; a few
training steps; TabNetClassifier / Regressor / MultiTask / Pretrainer fit, predict, explain,
save_model / load_model) ran without a crash under glasstorch; what differs is last-bit float32 noise
from matrix products outside the modelled MKL orders, grown by training.

Fixed in glasstorch:
- ``nn.init``'s initialisers handed a non-tensor (smp's ``initialize_decoder`` calls
  ``nn.init.constant_(m.weight, 1)`` on an ``InstanceNorm2d`` without affine parameters, so
  ``weight`` is None) now fail as torch's do, on the first attribute torch's code reaches:
  ``'NoneType' object has no attribute 'fill_'`` (constant_, ones_), ``'zero_'`` (zeros_),
  ``'is_meta'`` (trunc_normal_), ``'shape'`` (kaiming_uniform_, kaiming_normal_), ``'ndimension'``
  (eye_, dirac_, orthogonal_, sparse_), instead of naming glasstorch's private ``_data`` / ``dim``
  (nn/init.py; shown by smp's Unet with ``decoder_use_norm="instancenorm"``).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome

INITS = {
    "constant_": (1.0,), "ones_": (), "zeros_": (), "uniform_": (), "normal_": (), "trunc_normal_": (),
    "xavier_uniform_": (), "xavier_normal_": (), "kaiming_uniform_": (), "kaiming_normal_": (),
    "eye_": (), "dirac_": (), "orthogonal_": (), "sparse_": (0.5,),
}
NON_TENSORS = [None, 3, 2.5, [1.0, 2.0], "w", (1, 2)]


def _quiet(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("arg", NON_TENSORS, ids=repr)
def test_init_on_non_tensor_fails_as_torch(name, arg):
    same_error(_quiet(lambda m: getattr(m.nn.init, name)(arg, *INITS[name])))


@pytest.mark.parametrize("name", ["constant", "uniform", "normal", "xavier_uniform", "kaiming_normal", "eye",
                                  "dirac", "orthogonal", "sparse", "kaiming_uniform", "xavier_normal"])
def test_deprecated_init_on_none_fails_as_torch(name):
    extra = (0.5,) if name == "sparse" else (1.0,) if name == "constant" else ()
    same_error(_quiet(lambda m: getattr(m.nn.init, name)(None, *extra)))


def test_smp_style_decoder_init_on_affine_free_instance_norm():
    def build(m):
        mod = m.nn.Sequential(m.nn.Conv2d(2, 3, 3), m.nn.InstanceNorm2d(3))
        for sub in mod.modules():
            if isinstance(sub, (m.nn.BatchNorm2d, m.nn.InstanceNorm2d)):
                m.nn.init.constant_(sub.weight, 1)
                m.nn.init.constant_(sub.bias, 0)
        return mod
    same_error(build)


@pytest.mark.parametrize("name", ["constant_", "ones_", "zeros_", "eye_", "orthogonal_", "kaiming_normal_",
                                  "trunc_normal_", "dirac_", "sparse_"])
def test_init_on_tensors_unchanged(name):
    shape = (3, 4, 3) if name == "dirac_" else (3, 4)
    extra = INITS[name]

    def fn(m):
        m.manual_seed(0)
        w = m.empty(shape)
        out = getattr(m.nn.init, name)(w, *extra)
        assert out is w
        return w
    # orthogonal_'s QR runs in NumPy's LAPACK, not torch's MKL: last-bit differences there
    same_outcome(fn, rtol=1e-5 if name == "orthogonal_" else 0.0, atol=1e-6 if name == "orthogonal_" else 0.0)


def test_init_on_parameter_and_meta_tensor():
    def fn(m):
        p = m.nn.Parameter(m.empty(2, 3))
        m.nn.init.constant_(p, 0.5)
        m.nn.init.zeros_(m.empty(2, device="meta"))
        return p.detach() * 2
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(val=st.one_of(st.floats(-1e3, 1e3, allow_nan=False), st.integers(-5, 5), st.booleans()),
       dtype=st.sampled_from(["float32", "float64", "int64", "bool"]))
def test_constant_values_and_dtypes(val, dtype):
    def fn(m):
        w = m.empty(2, 3, dtype=getattr(m, dtype))
        return m.nn.init.constant_(w, val)
    same_outcome(fn)


def test_init_functions_keep_their_names():
    for name in ("constant_", "zeros_", "ones_", "eye_", "kaiming_normal_", "trunc_normal_", "sparse_"):
        assert getattr(glasstorch.nn.init, name).__name__ == getattr(torch.nn.init, name).__name__
