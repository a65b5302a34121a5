"""``torch.distributed.checkpoint.hf_storage``: DCP's safetensors reader and writer (names only)."""


class _NotYet:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"torch.distributed.checkpoint.hf_storage.{type(self).__name__} is not "
                                  "implemented in glasstorch yet")


class HuggingFaceStorageReader(_NotYet):
    pass


class HuggingFaceStorageWriter(_NotYet):
    pass
