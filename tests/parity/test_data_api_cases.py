"""torch.utils.data's samplers, splits, datasets and collation on assorted inputs: the same batches,
indices and reprs as torch, or torch's exception (ChainDataset of map-style datasets)."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_data_api_cases.py", "_data_api_cases.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)
