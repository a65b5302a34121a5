"""nn.functional given bad arguments or edge cases (one_hot of nothing, conv groups that do not divide the
weight, a bias or norm weight of the wrong shape, prelu's parameter count, unfold's rank, hardtanh's
bounds, empty losses ...): torch's results or torch's exception type and message."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_functional_mistakes.py", "_functional_mistakes.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)
