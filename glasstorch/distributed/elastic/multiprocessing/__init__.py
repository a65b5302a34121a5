"""``torch.distributed.elastic.multiprocessing``: see ``errors`` (``record``, ``ChildFailedError``)."""
