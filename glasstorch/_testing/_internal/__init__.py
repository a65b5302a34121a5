"""``torch.testing._internal``: the part of torch's own test helpers that libraries' test suites import
(``from torch.testing._internal.common_utils import TestCase``, as timm's tests/test_optim.py does)."""
