"""torch's argument-parser signatures (as ``_signatures.py``) of the random functions and the
Tensor methods that fill with random numbers.  Generated from torch 2.13.0+cpu by
scripts/harvest_signatures.py; do not edit by hand."""
METHODS = {
    'multinomial': ('multinomial(SymInt num_samples, bool replacement=False, *, Generator? generator=None)',),
    'bernoulli': ('bernoulli(*, Generator? generator=None)', 'bernoulli(double p, *, Generator? generator=None)',),
    'uniform_': ('uniform_(double from=0, double to=1, *, Generator? generator=None)',),
    'normal_': ('normal_(double mean=0, double std=1, *, Generator? generator=None)',),
    'exponential_': ('exponential_(double lambd=1, *, Generator? generator=None)',),
    'bernoulli_': (
        'bernoulli_(Tensor p, *, Generator? generator=None)',
        'bernoulli_(double p=0.5, *, Generator? generator=None)',
    ),
    'random_': (
        'random_(*, Generator? generator=None)',
        'random_(int64_t from, int64_t? to, *, Generator? generator=None)',
        'random_(int64_t to, *, Generator? generator=None)',
    ),
    'geometric_': ('geometric_(double p, *, Generator? generator=None)',),
    'log_normal_': ('log_normal_(double mean=1, double std=2, *, Generator? generator=None)',),
    'cauchy_': ('cauchy_(double median=0, double sigma=1, *, Generator? generator=None)',),
}
FUNCTIONS = {
    'multinomial': (
        'multinomial(Tensor input, SymInt num_samples, bool replacement=False, *, Generator? generator=None, Tensor out=None)',
    ),
    'poisson': ('poisson(Tensor input, Generator? generator=None)',),
    'bernoulli': (
        'bernoulli(Tensor input, *, Generator? generator=None, Tensor out=None)',
        'bernoulli(Tensor input, double p, *, Generator? generator=None)',
    ),
    'randperm': (
        'randperm(SymInt n, *, Generator? generator, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randperm(SymInt n, *, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
    ),
    'normal': (
        'normal(Tensor mean, Tensor std, *, Generator? generator=None, Tensor out=None)',
        'normal(Tensor mean, double std=1, *, Generator? generator=None, Tensor out=None)',
        'normal(double mean, Tensor std, *, Generator? generator=None, Tensor out=None)',
        'normal(double mean, double std, SymIntArrayRef size, *, Generator? generator=None, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
    ),
    'randint_like': (
        'randint_like(Tensor input, SymInt low, SymInt high, *, Generator? generator, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randint_like(Tensor input, SymInt low, SymInt high, *, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randint_like(Tensor input, Tensor high, *, Generator? generator, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randint_like(Tensor input, Tensor high, *, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randint_like(Tensor input, SymInt high, *, Generator? generator, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
        'randint_like(Tensor input, SymInt high, *, MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
    ),
    'binomial': ('binomial(Tensor count, Tensor prob, Generator? generator=None)',),
    '_standard_gamma': ('_standard_gamma(Tensor input, Generator? generator=None)',),
    '_sample_dirichlet': ('_sample_dirichlet(Tensor input, Generator? generator=None)',),
}
