"""Tensor methods torch defines in Python on ``torch.Tensor`` that a tensor's ``dir()`` lists:
``dim_order``, ``storage_type``, ``const_data_ptr``, ``orgqr`` and the removed ``reinforce``.

``dim_order`` is torch's ``compute_elementwise_output_logical_to_physical_perm`` on one tensor: the
dims from outermost to innermost in memory, found by an insertion sort on the strides (a 0 stride
compares with nothing; equal strides order by size), after torch's ambiguity checks.
"""
import textwrap

_AMBIGUOUS = "The tensor does not have unique dim order, or cannot map to exact one of the given memory formats."
_BAD_CHECK = "The ambiguity_check argument must be a bool or a list of memory formats."


def _should_swap(shape, strides, a, b):
    """prims' comparison of dims a and b (1: a is inside b, -1: outside, 0: undecided)."""
    def ge(x, y):
        if y == 0:
            return True
        if x == 0:
            return False
        return x >= y or x % y == 0
    sa, sb = strides[a], strides[b]
    if sa == 0 or sb == 0:
        return 0
    if sa == sb:
        return 0 if ge(shape[b], shape[a]) else 1
    if ge(sb, sa):
        return -1
    if ge(sa, sb):
        return 1
    return 0


def _logical_to_physical(t, ambiguity_check):
    from ._runtime import channels_last, contiguous_format
    nd = t.dim()
    if nd == 0:
        return [], False
    if nd == 1:
        return [0], False
    contiguous = t.is_contiguous(memory_format=contiguous_format)
    cl = nd == 4 and t.is_contiguous(memory_format=channels_last)
    if contiguous and not cl:
        return list(range(nd)), False
    if cl and not contiguous:
        return [0, *range(2, nd), 1], False
    shape, strides = tuple(t.shape), t.stride()
    perm = list(range(nd - 1, -1, -1))     # innermost first while sorting
    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = _should_swap(shape, strides, perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    ambiguous = bool(ambiguity_check) and any(_should_swap(shape, strides, perm[i], perm[i + 1]) != -1
                                              for i in range(nd - 1))
    return perm[::-1], ambiguous


def dim_order(self, *, ambiguity_check=False):
    from ._runtime import memory_format
    if self.is_sparse:
        raise AttributeError(f"Can't get dim order on sparse type: {self.type()} Use Tensor.to_dense() to convert "
                             "to a dense tensor first.")
    if not isinstance(ambiguity_check, bool):
        if not isinstance(ambiguity_check, list) or not all(isinstance(f, memory_format) for f in ambiguity_check):
            raise TypeError(_BAD_CHECK)
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    check_multiple = ambiguity_check if isinstance(ambiguity_check, bool) else True
    strides = self.stride()
    multiple = (any(a == b for a, b in zip(strides, strides[1:])) or any(n == 1 for n in self.shape))
    if check_multiple and multiple and sum(self.is_contiguous(memory_format=f) for f in formats) != 1:
        raise RuntimeError(_AMBIGUOUS)
    perm, ambiguous = _logical_to_physical(self, ambiguity_check)
    if ambiguous:
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(perm)


def storage_type(self):
    """The legacy ``torch.<Name>Storage`` class of the tensor's dtype (None where torch has none)."""
    from . import _legacy_storage
    from .storage import _warn_typed_storage_removal
    _warn_typed_storage_removal()
    for name in _legacy_storage.__all__:
        cls = getattr(_legacy_storage, name)
        if cls.dtype == self.dtype:
            return cls
    return None


def const_data_ptr(self):
    return self.data_ptr()


def orgqr(self, input2):
    from ._linalg_more import householder_product
    return householder_product(self, input2)


def reinforce(self, reward):
    raise RuntimeError(textwrap.dedent("""\
        reinforce() was removed.
        Use torch.distributions instead.
        See https://pytorch.org/docs/main/distributions.html

        Instead of:

        probs = policy_network(state)
        action = probs.multinomial()
        next_state, reward = env.step(action)
        action.reinforce(reward)
        action.backward()

        Use:

        probs = policy_network(state)
        # NOTE: categorical is equivalent to what used to be called multinomial
        m = torch.distributions.Categorical(probs)
        action = m.sample()
        next_state, reward = env.step(action)
        loss = -m.log_prob(action) * reward
        loss.backward()
        """))


def install(cls):
    for fn in (dim_order, storage_type, const_data_ptr, orgqr, reinforce):
        fn.__qualname__ = f"Tensor.{fn.__name__}"
        setattr(cls, fn.__name__, fn)
