"""``torch._C._TensorMeta``: the metaclass of ``torch.Tensor``.

In torch ``type(torch.Tensor)`` is ``torch._C._TensorMeta`` (the type of ``_TensorBase``), and
``Parameter``'s ``_ParameterMeta`` derives from it; libraries name it in annotations and
``isinstance(cls, _TensorMeta)`` checks, so glasstorch's Tensor has it too.  It adds nothing to
``type``: the class machinery is plain Python here.
"""


class _TensorMeta(type):
    pass
