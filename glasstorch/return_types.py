"""``torch.return_types``: the named tuples ``max``, ``sort``, ``linalg_qr`` ... return.

``_return_types.return_type`` makes each one and puts it here, where pickle looks for it."""
