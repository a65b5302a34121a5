"""torch.autograd.graph.increment_version: a tensor, or each of an iterable, gets its version counter
bumped (so a graph that saved it refuses to backward, with torch's message); non-tensors are refused
with torch's errors.  glasstorch had no such function."""
import pytest

import glasstorch
import torch

from ._helpers import same_error


def test_versions_go_up():
    def run(m):
        x = m.ones(2)
        seen = [x._version]
        m.autograd.graph.increment_version(x)
        seen.append(x._version)
        m.autograd.graph.increment_version([x, x])
        m.autograd.graph.increment_version((t for t in [x]))
        seen.append(x._version)
        return seen
    assert run(torch) == run(glasstorch) == [0, 1, 4]


def test_saved_tensor_bumped_refuses_backward():
    def run(m):
        a = m.ones(2, requires_grad=True)
        b = a * 1
        c = b * b
        m.autograd.graph.increment_version(b)
        c.sum().backward()
    same_error(run)


@pytest.mark.parametrize("arg", ["3", "[1]", "None"])
def test_non_tensors_refused(arg):
    same_error(lambda m: m.autograd.graph.increment_version(eval(arg) if arg != "[1]" else [m.ones(1), 1]))
