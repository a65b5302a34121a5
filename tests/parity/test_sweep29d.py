"""Parity pins for sweep29d (board-game AI programs: tic-tac-toe / connect-four engines, minimax, MCTS,
AlphaZero-lite).

Fixed in glasstorch:
- ``torch.func.vmap`` refuses what functorch cannot batch, with torch's errors, where glasstorch's loop
  used to run each entry and stack whatever came out: data-dependent shapes over a batched tensor
  (``nonzero``, ``nonzero(as_tuple=True)``, one-argument ``where``, ``unique`` and
  ``unique_consecutive`` with or without ``dim``, ``masked_select`` over a batched mask, indexing,
  assigning or ``index_put`` with a batched boolean mask), data-dependent control flow (``if`` on a
  batched tensor), reading a batched tensor as a number (``item``, ``int``, ``float``: torch's
  ``.item()`` error) or its memory (``tolist``, ``numpy``: "Cannot access data pointer ..."),
  ``equal`` / ``allclose`` of batched tensors, and ``F.one_hot`` of batched labels without an explicit
  ``num_classes``.  The same ops on tensors that do not depend on the batch still work, as in torch.
  "Batched" is judged as the rest of the loop judges it: the op's input differs between batch entries
  (_vmap_dynamic.py); an input equal in every entry (``(b * 0).nonzero()``) is still let through.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_outcome

BOARDS = np.array([[1, -1, 0, 0, 1, 0, -1, 0, 0],
                   [0, 0, 1, -1, 1, 0, 0, -1, 0],
                   [1, 1, -1, 0, -1, 0, 0, 0, 1]], dtype=np.float32)

CASES = {
    "nonzero": lambda m, b: (b == 0).nonzero(),
    "torch.nonzero": lambda m, b: m.nonzero(b),
    "nonzero_as_tuple": lambda m, b: b.nonzero(as_tuple=True),
    "where_one_arg": lambda m, b: m.where(b == 0),
    "unique": lambda m, b: b.unique(),
    "unique_counts": lambda m, b: m.unique(b, return_counts=True),
    "unique_consecutive": lambda m, b: b.unique_consecutive(),
    "unique_dim": lambda m, b: b.view(3, 3).unique(dim=0),
    "unique_consecutive_dim": lambda m, b: b.view(3, 3).unique_consecutive(dim=1),
    "masked_select_batched_mask": lambda m, b: b.masked_select(b == 0),
    "bool_mask_index": lambda m, b: b[b > 0],
    "bool_mask_index_none": lambda m, b: b[None, b > 0],
    "bool_mask_setitem": lambda m, b: b.clone().__setitem__(b == 0, 2.0),
    "index_put_bool": lambda m, b: b.index_put((b == 0,), m.tensor(2.0)),
    "index_put_inplace_bool": lambda m, b: b.clone().index_put_((b == 0,), m.tensor(2.0)),
    "if_on_tensor": lambda m, b: b * 2 if b.sum() > 0 else b,
    "bool": lambda m, b: b * bool(b[0] > 0),
    "count_as_bool": lambda m, b: b if (b == 1).sum() > 2 else -b,
    "item": lambda m, b: b * b.sum().item(),
    "int": lambda m, b: b * int(b[4]),
    "float": lambda m, b: b + float(b[0]),
    "tolist": lambda m, b: m.tensor(b.tolist()),
    "numpy": lambda m, b: m.from_numpy(b.numpy()),
    "equal": lambda m, b: b * m.equal(b, m.zeros(9)),
    "allclose": lambda m, b: b * m.allclose(m.zeros(9), b),
    "one_hot_inferred_classes": lambda m, b: m.nn.functional.one_hot((b + 1).long()),
    "one_hot_explicit_classes": lambda m, b: m.nn.functional.one_hot((b + 1).long(), 3),
    "later_entry_fails": lambda m, b: b[b > 0] + m.ones(2),
    # not batched: the op reads a tensor that is the same for every entry, which torch allows
    "unbatched_nonzero": lambda m, b: b + (m.arange(9) % 4 == 0).nonzero().sum(),
    "unbatched_mask_select": lambda m, b: b.masked_select(m.arange(9) % 2 == 0),
    "unbatched_mask_index": lambda m, b: b[m.arange(9) > 5],
    "unbatched_if": lambda m, b: b * 2 if m.tensor(1.0) > 0 else b,
    "unbatched_item": lambda m, b: b * m.tensor(3.0).item(),
    "unbatched_unique": lambda m, b: b[:2] + m.tensor([2.0, 1.0, 2.0]).unique(),
    "vectorised_winner": lambda m, b: b[m.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 4, 8]])].sum(1).abs().amax(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vmap_over_boards(name):
    case = CASES[name]
    same_outcome(lambda m: m.func.vmap(lambda b: case(m, b))(m.tensor(BOARDS)))


def test_vmap_unbatched_argument_is_not_refused():
    def fn(m):
        mask = m.tensor([True, False] * 4 + [True])
        return m.func.vmap(lambda b, k: b[k].sum() + k.nonzero().sum(), in_dims=(0, None))(m.tensor(BOARDS), mask)
    same_outcome(fn)


def test_vmap_refuses_batched_mask_given_through_in_dims():
    def fn(m):
        masks = m.tensor(BOARDS) == 0
        return m.func.vmap(lambda k: m.arange(9.0).masked_select(k))(masks)
    same_outcome(fn)


def test_nested_vmap_refuses_inner_nonzero():
    def fn(m):
        x = m.tensor(BOARDS).view(3, 3, 3)
        return m.func.vmap(m.func.vmap(lambda row: (row == 0).nonzero()))(x)
    same_outcome(fn)


def test_vmap_error_leaves_later_vmaps_working():
    def fn(m):
        try:
            m.func.vmap(lambda b: b.nonzero())(m.tensor(BOARDS))
        except RuntimeError:
            pass
        return m.func.vmap(lambda b: (b == 1).sum())(m.tensor(BOARDS))
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(-1, 1), min_size=9, max_size=9), min_size=2, max_size=4, unique_by=tuple),
       st.sampled_from(["torch.nonzero", "unique", "bool_mask_index", "tolist", "numpy", "equal",
                        "vectorised_winner", "unbatched_nonzero", "unbatched_mask_index"]))
def test_vmap_refusals_hypothesis(rows, name):
    # distinct boards, and ops that read the board itself (or a mask of it made distinct): glasstorch tells a
    # batched tensor by its differing between entries, so a read of a value equal in every entry (the sign of
    # two sums that happen to agree) is the one thing it cannot refuse as torch does
    case = CASES[name]
    x = np.array(rows, dtype=np.float32)
    if name == "bool_mask_index" and len({tuple(r > 0) for r in x}) < len(x):
        x[:, :3] = (np.arange(len(x))[:, None] >> np.arange(3)) & 1      # distinct masks: entry i's bits
    same_outcome(lambda m: m.func.vmap(lambda b: case(m, b))(m.tensor(x)))


def test_nested_vmap_without_noted_ops():
    """Nested vmaps whose bodies note nothing, the inner one over a batch of one: its log then equals the
    outer one's, so it is removed by identity (removing by value took the outer one, and the outer
    removal failed)."""
    got = {}
    for m in (torch, glasstorch):
        a = m.arange(6.0).reshape(2, 3)
        f = m.func.vmap(m.func.vmap(lambda x, y: (x * y).sum(), (None, 0)), (0, None))
        got[m] = [f(a, m.arange(3.0 * k).reshape(k, 3)).tolist() for k in (1, 4)]
    assert got[torch] == got[glasstorch]
