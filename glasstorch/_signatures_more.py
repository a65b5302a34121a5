"""More of torch's argument-parser signatures (as ``_signatures.py``: index/scatter/mask ops), harvested
from torch 2.13.0+cpu with scripts/harvest_signatures.py's functions; do not edit by hand."""
METHODS = {
    'index_copy': ('index_copy(int64_t dim, Tensor index, Tensor source)',),
    'index_add': ('index_add(int64_t dim, Tensor index, Tensor source, *, Scalar alpha=1)',),
    'index_fill': (
        'index_fill(int64_t dim, Tensor index, Tensor value)',
        'index_fill(int64_t dim, Tensor index, Scalar value)',
    ),
    'scatter': (
        'scatter(int64_t dim, Tensor index, Tensor src)',
        'scatter(int64_t dim, Tensor index, Tensor src, *, c10::string_view reduce)',
        'scatter(int64_t dim, Tensor index, Scalar value)',
        'scatter(int64_t dim, Tensor index, Scalar value, *, c10::string_view reduce)',
    ),
    'scatter_add': ('scatter_add(int64_t dim, Tensor index, Tensor src)',),
    'scatter_reduce': (
        'scatter_reduce(int64_t dim, Tensor index, Tensor src, c10::string_view reduce, *, bool include_self=True)',
    ),
    'unbind': ('unbind(int64_t dim=0)',),
    'take': ('take(Tensor index)',),
    'take_along_dim': ('take_along_dim(Tensor indices, int64_t? dim=None)',),
    'masked_fill': ('masked_fill(Tensor mask, Tensor value)', 'masked_fill(Tensor mask, Scalar value)',),
    'masked_scatter': ('masked_scatter(Tensor mask, Tensor source)',),
    'masked_select': ('masked_select(Tensor mask)',),
    'moveaxis': (
        'moveaxis(int64_t source, int64_t destination)',
        'moveaxis(IntArrayRef source, IntArrayRef destination)',
    ),
    'rot90': ('rot90(int64_t k=1, IntArrayRef dims={0,1})',),
    'diag_embed': ('diag_embed(int64_t offset=0, int64_t dim1=-2, int64_t dim2=-1)',),
    'index_put': ('index_put(c10::List<::std::optional<Tensor>> indices, Tensor values, bool accumulate=False)',),
    'dsplit': ('dsplit(int64_t sections)', 'dsplit(IntArrayRef indices)',),
    'hsplit': ('hsplit(int64_t sections)', 'hsplit(IntArrayRef indices)',),
    'vsplit': ('vsplit(int64_t sections)', 'vsplit(IntArrayRef indices)',),
    'index_copy_': ('index_copy_(int64_t dim, Tensor index, Tensor source)',),
    'index_add_': ('index_add_(int64_t dim, Tensor index, Tensor source, *, Scalar alpha=1)',),
    'index_fill_': (
        'index_fill_(int64_t dim, Tensor index, Tensor value)',
        'index_fill_(int64_t dim, Tensor index, Scalar value)',
    ),
    'scatter_': (
        'scatter_(int64_t dim, Tensor index, Tensor src)',
        'scatter_(int64_t dim, Tensor index, Tensor src, *, c10::string_view reduce)',
        'scatter_(int64_t dim, Tensor index, Scalar value)',
        'scatter_(int64_t dim, Tensor index, Scalar value, *, c10::string_view reduce)',
    ),
    'scatter_add_': ('scatter_add_(int64_t dim, Tensor index, Tensor src)',),
    'scatter_reduce_': (
        'scatter_reduce_(int64_t dim, Tensor index, Tensor src, c10::string_view reduce, *, bool include_self=True)',
    ),
    'masked_fill_': ('masked_fill_(Tensor mask, Tensor value)', 'masked_fill_(Tensor mask, Scalar value)',),
    'masked_scatter_': ('masked_scatter_(Tensor mask, Tensor source)',),
    'as_strided': ('as_strided(SymIntArrayRef size, SymIntArrayRef stride, SymInt? storage_offset=None)',),
    'histogram': (
        'histogram(Tensor bins, *, Tensor? weight=None, bool density=False)',
        'histogram(int64_t bins=100, *, ArrayRef<double>? range=None, Tensor? weight=None, bool density=False)',
    ),
}
FUNCTIONS = {
    'histogram': (
        'histogram(Tensor input, Tensor bins, *, Tensor? weight=None, bool density=False, TensorList out=None)',
        'histogram(Tensor input, int64_t bins=100, *, ArrayRef<double>? range=None, Tensor? weight=None, '
        'bool density=False, TensorList out=None)',
    ),
    'index_copy': ('index_copy(Tensor input, int64_t dim, Tensor index, Tensor source, *, Tensor out=None)',),
    'index_add': (
        'index_add(Tensor input, int64_t dim, Tensor index, Tensor source, *, Scalar alpha=1, Tensor out=None)',
    ),
    'index_fill': (
        'index_fill(Tensor input, int64_t dim, Tensor index, Tensor value)',
        'index_fill(Tensor input, int64_t dim, Tensor index, Scalar value)',
    ),
    'scatter': (
        'scatter(Tensor input, int64_t dim, Tensor index, Tensor src, *, Tensor out=None)',
        'scatter(Tensor input, int64_t dim, Tensor index, Tensor src, *, c10::string_view reduce, Tensor out=None)',
        'scatter(Tensor input, int64_t dim, Tensor index, Scalar value, *, Tensor out=None)',
        'scatter(Tensor input, int64_t dim, Tensor index, Scalar value, *, c10::string_view reduce, Tensor out=None)',
    ),
    'scatter_add': ('scatter_add(Tensor input, int64_t dim, Tensor index, Tensor src, *, Tensor out=None)',),
    'scatter_reduce': (
        'scatter_reduce(Tensor input, int64_t dim, Tensor index, Tensor src, c10::string_view reduce, *, bool include_self=True, Tensor out=None)',
    ),
    'unbind': ('unbind(Tensor input, int64_t dim=0)',),
    'take': ('take(Tensor input, Tensor index, *, Tensor out=None)',),
    'take_along_dim': ('take_along_dim(Tensor input, Tensor indices, int64_t? dim=None, *, Tensor out=None)',),
    'masked_fill': (
        'masked_fill(Tensor input, Tensor mask, Tensor value)',
        'masked_fill(Tensor input, Tensor mask, Scalar value)',
    ),
    'masked_scatter': ('masked_scatter(Tensor input, Tensor mask, Tensor source)',),
    'masked_select': ('masked_select(Tensor input, Tensor mask, *, Tensor out=None)',),
    'moveaxis': (
        'moveaxis(Tensor input, int64_t source, int64_t destination)',
        'moveaxis(Tensor input, IntArrayRef source, IntArrayRef destination)',
    ),
    'rot90': ('rot90(Tensor input, int64_t k=1, IntArrayRef dims={0,1})',),
    'diag_embed': ('diag_embed(Tensor input, int64_t offset=0, int64_t dim1=-2, int64_t dim2=-1)',),
    'index_put': (
        'index_put(Tensor input, c10::List<::std::optional<Tensor>> indices, Tensor values, bool accumulate=False)',
    ),
    'fliplr': ('fliplr(Tensor input)',),
    'flipud': ('flipud(Tensor input)',),
    'dsplit': ('dsplit(Tensor input, int64_t sections)', 'dsplit(Tensor input, IntArrayRef indices)',),
    'hsplit': ('hsplit(Tensor input, int64_t sections)', 'hsplit(Tensor input, IntArrayRef indices)',),
    'vsplit': ('vsplit(Tensor input, int64_t sections)', 'vsplit(Tensor input, IntArrayRef indices)',),
    'as_strided': (
        'as_strided(Tensor input, SymIntArrayRef size, SymIntArrayRef stride, SymInt? storage_offset=None)',
    ),
    'atleast_1d': ('atleast_1d(Tensor input)', 'atleast_1d(TensorList tensors)',),
    'atleast_2d': ('atleast_2d(Tensor input)', 'atleast_2d(TensorList tensors)',),
    'atleast_3d': ('atleast_3d(Tensor input)', 'atleast_3d(TensorList tensors)',),
    'column_stack': ('column_stack(TensorList tensors, *, Tensor out=None)',),
    'dstack': ('dstack(TensorList tensors, *, Tensor out=None)',),
    'meshgrid': ('meshgrid(TensorList tensors)', 'meshgrid(TensorList tensors, *, c10::string_view indexing)',),
}
