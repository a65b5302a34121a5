"""``torch.nn.LinearCrossEntropyOptions``: asks ``F.linear_cross_entropy`` for torch's chunked path.

torch's chunked path never builds the whole (batch, classes) logits tensor; glasstorch computes the
same loss and gradients by the reference formula (see ``nn/_ops/linear_cross_entropy.py``), so the
options are validated and kept as torch keeps them, and chunk sizes change nothing here."""
import dataclasses

__all__ = ["LinearCrossEntropyOptions"]


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    allow_retain_graph: bool = False
    batch_chunk_size: "int | None" = None
    chunking_method: "str | None" = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        # torch's checks, in its order
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        size = self.batch_chunk_size
        if not (size is None or (isinstance(size, int) and size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size!r}")
        import glasstorch
        if self.acc_dtype is not None and self.acc_dtype not in (glasstorch.float16, glasstorch.bfloat16,
                                                                 glasstorch.float32, glasstorch.float64):
            raise ValueError("acc_dtype must be one of {None, torch.float16, torch.bfloat16, torch.float32, "
                             f"torch.float64}}, got {self.acc_dtype!r}. Pass acc_dtype=None to let the op pick "
                             "automatically.")
