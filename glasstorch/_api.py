"""The torch-level functions of the wider op surface (views, indexing, reductions, linalg ...),
re-exported by ``glasstorch/__init__.py``."""
