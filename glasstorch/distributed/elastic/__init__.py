"""``torch.distributed.elastic``: what ``torchrun`` (``glasstorch.distributed.run``) needs on one machine."""
