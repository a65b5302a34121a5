"""The modules behind ``torch.utils.benchmark`` (torch keeps them under ``benchmark.utils`` too)."""
