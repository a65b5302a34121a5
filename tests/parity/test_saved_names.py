"""``grad_fn._saved_self`` / ``_saved_other`` / ``_saved_result`` / ``_saved_exponent`` ...: what a node
saved, by torch's names (the tensors themselves for inputs), with torch's errors once freed or changed."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_saved_names.py", "_saved_names_cases.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)
