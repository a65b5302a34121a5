"""``torch.Tag`` (also ``torch._C.Tag``): the tags an operator's schema carries (``torch.library.define(...,
tags=(torch.Tag.pt2_compliant_tag,))``, ``torch.ops.aten.add.Tensor.tags``).  torch's is a pybind11 enum:
``<Tag.core: 0>`` as its repr, ``Tag.core`` as its str, ``.name``, ``.value``, ``int()`` and ``__members__``,
numbered in the order of its names."""
import enum


class _TagType(enum.EnumMeta):
    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"     # a pybind11 class, not "<enum 'Tag'>"


class Tag(enum.Enum, metaclass=_TagType):
    core = 0
    cudagraph_unsafe = 1
    data_dependent_output = 2
    dynamic_output_shape = 3
    flexible_layout = 4
    generated = 5
    inplace = 6
    inplace_view = 7
    maybe_aliasing_or_mutating = 8
    needs_contiguous_strides = 9
    needs_exact_strides = 10
    needs_fixed_stride_order = 11
    nondeterministic_bitwise = 12
    nondeterministic_seeded = 13
    out = 14
    out_variant = 15
    pointwise = 16
    pt2_compliant_tag = 17
    reduction = 18
    view_copy = 19

    def __int__(self):
        return self.value

    __index__ = __int__


Tag.__module__ = "glasstorch"
