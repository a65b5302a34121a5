"""The functions ``torch.nn.functional`` shares with ``torch`` (``F.conv2d is torch.conv2d``, ``F.relu_``,
``F.pdist`` ...) are one object in glasstorch too: code that compares functions (torch.fx graph
targets, dispatch tables keyed by function) sees the same identities; torch decides which at test time."""
import torch
import torch.nn.functional as TF

import glasstorch

SHARED = sorted(n for n in dir(TF) if not n.startswith("_") and callable(getattr(TF, n))
                and getattr(TF, n) is getattr(torch, n, None))
PYTHON_LEVEL = sorted(n for n in dir(TF) if not n.startswith("_") and callable(getattr(TF, n))
                      and hasattr(torch, n) and getattr(TF, n) is not getattr(torch, n))


def test_shared_names_are_one_object():
    assert len(SHARED) > 15
    missing = [n for n in SHARED if hasattr(glasstorch, n) and getattr(glasstorch.nn.functional, n, None) is not
               getattr(glasstorch, n)]
    assert not missing


def test_functions_torch_keeps_apart_stay_apart():
    implemented = [n for n in PYTHON_LEVEL if hasattr(glasstorch.nn.functional, n) and hasattr(glasstorch, n)]
    assert len(implemented) > 20
    together = [n for n in implemented if getattr(glasstorch.nn.functional, n) is getattr(glasstorch, n)]
    assert not together, together


def test_top_level_selu_and_celu_take_no_inplace():
    from ._helpers import same_error
    same_error(lambda m: m.celu(m.ones(2), inplace=True))
    same_error(lambda m: m.selu(m.ones(2), inplace=True))
