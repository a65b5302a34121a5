"""Layers built with arguments learners get wrong (sizes that are floats or out of range, bad modes,
dropout probabilities, padding strings, missing arguments): torch's module (compared by repr) or
torch's exception type and message, raised when the layer is built."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_module_args_cases.py", "_module_args_cases.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)
