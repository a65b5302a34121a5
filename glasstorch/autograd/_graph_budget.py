"""``torch.autograd.graph.region_activation_memory_budget``: an annotation only torch.compile's partitioner
reads; glasstorch runs eagerly, where torch checks the budget and then refuses the region."""


def region_activation_memory_budget(budget):
    """Check ``budget`` (a float ratio in [0, 1]) as torch does; in eager mode the region is an error."""
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise TypeError(f"torch.autograd.graph.region_activation_memory_budget: expects a "
                        f"float, got {type(budget).__name__}")
    if not 0.0 <= budget <= 1.0:
        raise ValueError(f"torch.autograd.graph.region_activation_memory_budget: must be in "
                         f"[0, 1], got {budget}")
    raise RuntimeError("torch.autograd.graph.region_activation_memory_budget can only be "
                       "used inside a torch.compile region; it has no effect in eager mode.")
