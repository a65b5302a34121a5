"""Shared helpers for the nn parity tests: build the same module on both libraries after the same
seed, and compare parameters, outputs and gradients."""
import numpy as np
import torch

import glasstorch
from ._helpers import assert_same_array, grad_fn_name

MODS = (torch, glasstorch)
RTOL, ATOL = 1e-5, 1e-6


def build_both(factory, seed=0):
    out = {}
    for m in MODS:
        m.manual_seed(seed)
        out[m] = factory(m)
    return out[torch], out[glasstorch]


def assert_same_params(mt, mg, exact=True):
    pt, pg = list(mt.named_parameters()), list(mg.named_parameters())
    assert [n for n, _ in pt] == [n for n, _ in pg]
    for (n, a), (_, b) in zip(pt, pg):
        if exact:
            assert_same_array(a, b, what=n)
        else:
            assert_same_array(a, b, RTOL, ATOL, what=n)


def run_module(factory, inputs, seed=0, int_inputs=(), train=True, check_fn=True, rtol=RTOL, atol=ATOL):
    """Same module on both; forward ``inputs`` (NumPy arrays), backward a random gradient,
    compare output, grad_fn, input and parameter gradients."""
    mt, mg = build_both(factory, seed)
    assert repr(mt) == repr(mg)
    assert_same_params(mt, mg)
    if not train:
        mt.eval(), mg.eval()
    xs = {}
    for m in MODS:
        xs[m] = []
        for i, a in enumerate(inputs):
            t = m.from_numpy(np.array(a, copy=True))
            if a.dtype.kind == "f" and i not in int_inputs:
                t.requires_grad_(True)
            xs[m].append(t)
    ot, og = mt(*xs[torch]), mg(*xs[glasstorch])
    if isinstance(ot, tuple):
        ot, og = ot[0], og[0]
    assert_same_array(ot, og, rtol, atol)
    if check_fn:
        assert grad_fn_name(ot) == grad_fn_name(og)
    up = np.random.default_rng(1).standard_normal(tuple(ot.shape)).astype(np.float32)
    ot.backward(torch.from_numpy(up.copy()))
    og.backward(glasstorch.from_numpy(up.copy()))
    for a, b in zip(xs[torch], xs[glasstorch]):
        if a.requires_grad:
            assert_same_array(a.grad, b.grad, rtol, atol * 10, what="input grad")
    for (n, a), (_, b) in zip(mt.named_parameters(), mg.named_parameters()):
        if a.grad is not None:
            assert_same_array(a.grad, b.grad, rtol, atol * 10, what=f"grad of {n}")
    for (n, a), (_, b) in zip(mt.named_buffers(), mg.named_buffers()):
        assert_same_array(a, b, rtol, atol, what=n)
    return mt, mg
