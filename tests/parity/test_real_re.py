"""Parity pins for real_re (MorvanZhou/PyTorch-Tutorial's tutorial-contents and pytorch/examples'
time_sequence_prediction, siamese_network, super_resolution and reinforcement_learning, run unchanged
on torch and through ``python -m glasstorch run``).

Fixed in glasstorch:
- ``torch.load``'s "Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected" UserWarning pointed
  at glasstorch's own ``torch.load`` wrapper (glasstorch/__init__.py) instead of the line that called
  ``torch.load`` (torch warns with stacklevel=2 from ``torch.serialization.load``); it now points at the
  caller, for ``torch.load`` and ``torch.serialization.load`` alike.  Shown by 304_save_reload.py and
  time_sequence_prediction/train.py run with that switch set (both load a pickled module / NumPy array,
  which torch 2.13's weights_only default refuses) (glasstorch/_pickle_safe.py).
- An optimizer step (SGD, Adam, ... through ``optim._functional.bump``) changed a parameter in place
  without regenerating the grad_fn of its live views, so backpropagating again through a Linear whose
  weight had stepped raised "which is output 0 of T" where torch (which regenerates the saved
  ``weight.t()`` view's grad_fn as AsStridedBackward0) says "output 0 of AsStrided".  Shown by
  406_GAN.py, whose G loss backpropagates through D after opt_D.step()
  (glasstorch/optim/_functional.py, glasstorch/optim/sgd.py).
- The parameter's version after a step counts torch's in-place ops on it: AdamW's decoupled decay
  ``mul_`` before the update, NAdam's two ``addcdiv_``, ASGD's ``mul_`` and ``add_`` (glasstorch counted
  one), which the same error names (lead engineer; adam.py, nadam.py, asgd.py).
"""
import io
import sys
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import MODS, same_outcome


# ---- torch.load's TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD warning points at the caller ----------------
def _load_warnings(m, data, via, **kw):
    load = m.load if via == "load" else m.serialization.load
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        load(io.BytesIO(data), **kw)
    return [(w.category.__name__, str(w.message), w.filename == __file__, w.lineno - line) for w in rec]


@pytest.mark.parametrize("via", ["load", "serialization.load"])
@pytest.mark.parametrize("kw", [{}, {"weights_only": False}, {"map_location": "cpu"}])
@pytest.mark.parametrize("obj", ["tensor", "ndarray", "module"])
def test_force_no_weights_only_warning_site(via, kw, obj, monkeypatch):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    buf = io.BytesIO()
    torch.save({"tensor": torch.ones(2), "ndarray": np.arange(3.0), "module": torch.nn.Linear(2, 1)}[obj], buf)
    want = _load_warnings(torch, buf.getvalue(), via, **kw)
    assert _load_warnings(glasstorch, buf.getvalue(), via, **kw) == want
    assert len(want) == (0 if kw.get("weights_only") is False else 1)


# ---- an optimizer step regenerates the grad_fn of the stepped parameter's views --------------------
@pytest.mark.parametrize("opt", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "Adamax", "RAdam", "Adadelta", "ASGD"])
@pytest.mark.parametrize("shape", [(4, 2, 1), (64, 15, 3), (8, 1, 1)])
def test_step_then_backward_again_names_asstrided(opt, shape):
    n, i, o = shape

    def fn(m):
        m.manual_seed(0)
        lin = m.nn.Linear(i, o)
        y = lin(m.randn(n, i, requires_grad=True)).sum()
        y.backward(retain_graph=True)
        getattr(m.optim, opt)(lin.parameters(), lr=0.1).step()
        y.backward()
    same_outcome(fn)


@pytest.mark.parametrize("opt,kw", [("Adam", {"weight_decay": 0.1}), ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
                                    ("AdamW", {"amsgrad": True}), ("AdamW", {"weight_decay": 0.0}),
                                    ("NAdam", {"weight_decay": 0.1}), ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
                                    ("ASGD", {"weight_decay": 0.1}), ("SGD", {"momentum": 0.9, "weight_decay": 0.1}),
                                    ("RMSprop", {"momentum": 0.9, "centered": True})])
def test_step_versions_with_options(opt, kw):
    """The parameter's version after a step counts torch's in-place ops on it (AdamW's decay mul_,
    NAdam's two addcdiv_, ASGD's mul_ and add_), which the "modified by an inplace operation" error names."""
    def fn(m):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        y = lin(m.randn(4, 3)).sum()
        y.backward(retain_graph=True)
        getattr(m.optim, opt)(lin.parameters(), lr=0.1, **kw).step()
        y.backward()
    same_outcome(fn)
