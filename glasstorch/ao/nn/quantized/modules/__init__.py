"""``torch.ao.nn.quantized.modules``: where torch keeps ``LinearPackedParams``."""
