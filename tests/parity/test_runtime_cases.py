"""Module and runtime surface: state_dict loading, parameter names of the standard layers, devices (a
device equals only a device), ``torch.__version__`` comparisons, thread and determinism switches."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_runtime_cases.py", "_runtime_cases.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)
