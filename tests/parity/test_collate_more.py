"""default_collate details: a float among ints makes the batch float32 (torch.tensor(batch)), and
string fields of tuples come back as the tuple zip made."""
import pytest
import torch

import glasstorch


def _same(a, b):
    if isinstance(a, torch.Tensor):
        assert isinstance(b, glasstorch.Tensor) and str(a.dtype) == str(b.dtype)
        assert a.tolist() == b.tolist()
        return
    assert type(a) is type(b), f"{type(a)} vs {type(b)}"
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


@pytest.mark.parametrize("batch", [
    [1, 2.5], [1, 2], [2.5, 1], [True, False], [True, 2],
    [(1, "x"), (2, "y")], [(1, "a", 2.5, [1, 2]), (2, "b", 3, [3, 4])],
    [{"s": "x", "n": (1, 2)}, {"s": "y", "n": (3, 4.5)}], [[1, 2], [3, 4]], ["a", "b"], [(b"a",), (b"b",)],
])
def test_default_collate_like_torch(batch):
    _same(torch.utils.data.default_collate(batch), glasstorch.utils.data.default_collate(batch))
    _same(list(torch.utils.data.DataLoader(batch, batch_size=2)),
          list(glasstorch.utils.data.DataLoader(batch, batch_size=2)))
