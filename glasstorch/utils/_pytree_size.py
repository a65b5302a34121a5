"""``torch.Size`` as a pytree node, registered as ``import torch`` registers it (torch does so in
``torch/fx/experimental/proxy_tensor.py``, which every ``import torch`` loads): its children are its
ints and it unflattens to a plain ``tuple`` (torch's choice, so that a map may put non-ints there).
Without it a Size is one leaf, and code that maps over the tuples it meets recurses forever on a
Size (pyro's provenance tracking, through ``x.size()`` of a ProvenanceTensor)."""
from ._pytree import SequenceKey, _private_register_pytree_node
from .._device import Size

_private_register_pytree_node(
    Size,
    lambda xs: (list(xs), None),
    lambda xs, _: tuple(xs),
    serialized_type_name="torch.Size",
    flatten_with_keys_fn=lambda xs: ([(SequenceKey(i), x) for i, x in enumerate(xs)], None),
)
