"""torch-level random functions (rand, randn, randint, randperm, normal, bernoulli, ...),
re-exported by ``glasstorch/__init__.py``."""
