"""The nn-specific ops behind ``torch.nn.functional``: each forward beside its backward node."""
