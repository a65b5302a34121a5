"""torch's argument-parser signatures (as ``_signatures.py``) of the functions of torch.linalg,
torch.fft and torch.special, keyed by their builtin names (``linalg_solve``), and of the builtins of
torch.nn.functional, keyed by attribute name (FUNCTIONAL).  Generated from torch
2.13.0+cpu by scripts/harvest_signatures_ns.py; do not edit by hand."""
FUNCTIONS = {
    'linalg_cholesky': ('linalg_cholesky(Tensor input, *, bool upper=False, Tensor out=None)',),
    'linalg_cholesky_ex': (
        'linalg_cholesky_ex(Tensor input, *, bool upper=False, bool check_errors=False, TensorList[2] out=None)',
    ),
    'linalg_cond': (
        'linalg_cond(Tensor input, Scalar? p=None, *, Tensor out=None)',
        'linalg_cond(Tensor input, c10::string_view p, *, Tensor out=None)',
    ),
    'linalg_cross': ('linalg_cross(Tensor input, Tensor other, *, int64_t dim=-1, Tensor out=None)',),
    'linalg_det': ('linalg_det(Tensor A, *, Tensor out=None)',),
    'linalg_diagonal': ('linalg_diagonal(Tensor A, *, int64_t offset=0, int64_t dim1=-2, int64_t dim2=-1)',),
    'linalg_eig': ('linalg_eig(Tensor input, *, TensorList[2] out=None)',),
    'linalg_eigh': ('linalg_eigh(Tensor input, c10::string_view UPLO="L", *, TensorList[2] out=None)',),
    'linalg_eigvals': ('linalg_eigvals(Tensor input, *, Tensor out=None)',),
    'linalg_eigvalsh': ('linalg_eigvalsh(Tensor input, c10::string_view UPLO="L", *, Tensor out=None)',),
    'linalg_householder_product': ('linalg_householder_product(Tensor input, Tensor tau, *, Tensor out=None)',),
    'linalg_inv': ('linalg_inv(Tensor A, *, Tensor out=None)',),
    'linalg_inv_ex': ('linalg_inv_ex(Tensor A, *, bool check_errors=False, TensorList[2] out=None)',),
    'linalg_ldl_factor': ('linalg_ldl_factor(Tensor input, *, bool hermitian=False, TensorList[2] out=None)',),
    'linalg_ldl_factor_ex': (
        'linalg_ldl_factor_ex(Tensor input, *, bool hermitian=False, bool check_errors=False, TensorList[3] out=None)',
    ),
    'linalg_ldl_solve': (
        'linalg_ldl_solve(Tensor LD, Tensor pivots, Tensor B, *, bool hermitian=False, Tensor out=None)',
    ),
    'linalg_lstsq': (
        'linalg_lstsq(Tensor input, Tensor b, double? rcond=None, *, c10::string_view? driver=None, TensorList[4] out=None)',
    ),
    'linalg_lu': ('linalg_lu(Tensor A, *, bool pivot=True, TensorList[3] out=None)',),
    'linalg_lu_factor': ('linalg_lu_factor(Tensor A, *, bool pivot=True, TensorList[2] out=None)',),
    'linalg_lu_factor_ex': (
        'linalg_lu_factor_ex(Tensor A, *, bool pivot=True, bool check_errors=False, TensorList[3] out=None)',
    ),
    'linalg_lu_solve': (
        'linalg_lu_solve(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, bool adjoint=False, Tensor out=None)',
    ),
    'linalg_matmul': ('linalg_matmul(Tensor input, Tensor other, *, Tensor out=None)',),
    'linalg_matrix_exp': ('linalg_matrix_exp(Tensor input)',),
    'linalg_matrix_norm': (
        'linalg_matrix_norm(Tensor input, Scalar ord, IntArrayRef dim={-2,-1}, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)',
        'linalg_matrix_norm(Tensor input, c10::string_view ord="fro", IntArrayRef dim={-2,-1}, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)',
    ),
    'linalg_matrix_power': ('linalg_matrix_power(Tensor input, int64_t n, *, Tensor out=None)',),
    'linalg_matrix_rank': (
        'linalg_matrix_rank(Tensor input, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False, Tensor out=None)',
        'linalg_matrix_rank(Tensor input, *, double? atol=None, double? rtol=None, bool hermitian=False, Tensor out=None)',
        'linalg_matrix_rank(Tensor input, Tensor tol, bool hermitian=False, *, Tensor out=None)',
        'linalg_matrix_rank(Tensor input, double tol, bool hermitian=False, *, Tensor out=None)',
    ),
    'linalg_multi_dot': ('linalg_multi_dot(TensorList tensors, *, Tensor out=None)',),
    'linalg_norm': (
        'linalg_norm(Tensor input, Scalar? ord=None, IntArrayRef[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)',
        'linalg_norm(Tensor input, c10::string_view ord, IntArrayRef[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)',
    ),
    'linalg_pinv': (
        'linalg_pinv(Tensor input, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False, Tensor out=None)',
        'linalg_pinv(Tensor input, *, double? atol=None, double? rtol=None, bool hermitian=False, Tensor out=None)',
        'linalg_pinv(Tensor input, Tensor rcond, bool hermitian=False, *, Tensor out=None)',
        'linalg_pinv(Tensor input, double rcond, bool hermitian=False, *, Tensor out=None)',
    ),
    'linalg_qr': ('linalg_qr(Tensor A, c10::string_view mode="reduced", *, TensorList[2] out=None)',),
    'linalg_slogdet': ('linalg_slogdet(Tensor A, *, TensorList[2] out=None)',),
    'linalg_solve': ('linalg_solve(Tensor A, Tensor B, *, bool left=True, Tensor out=None)',),
    'linalg_solve_ex': (
        'linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False, TensorList[2] out=None)',
    ),
    'linalg_solve_triangular': (
        'linalg_solve_triangular(Tensor input, Tensor B, *, bool upper, bool left=True, bool unitriangular=False, Tensor out=None)',
    ),
    'linalg_svd': (
        'linalg_svd(Tensor A, bool full_matrices=True, *, c10::string_view? driver=None, TensorList[3] out=None)',
    ),
    'linalg_svdvals': ('linalg_svdvals(Tensor A, *, c10::string_view? driver=None, Tensor out=None)',),
    'linalg_tensorinv': ('linalg_tensorinv(Tensor input, int64_t ind=2, *, Tensor out=None)',),
    'linalg_tensorsolve': (
        'linalg_tensorsolve(Tensor input, Tensor other, IntArrayRef? dims=None, *, Tensor out=None)',
    ),
    'linalg_vander': ('linalg_vander(Tensor x, *, SymInt? N=None)',),
    'linalg_vecdot': ('linalg_vecdot(Tensor x, Tensor y, *, int64_t dim=-1, Tensor out=None)',),
    'linalg_vector_norm': (
        'linalg_vector_norm(Tensor input, Scalar ord=2, IntArrayRef[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)',
    ),
    'fft_fft': (
        'fft_fft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_fft2': (
        'fft_fft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_fftfreq': (
        'fft_fftfreq(int64_t n, double d=1.0, *, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
    ),
    'fft_fftn': (
        'fft_fftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_fftshift': ('fft_fftshift(Tensor input, IntArrayRef[1]? dim=None)',),
    'fft_hfft': (
        'fft_hfft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_hfft2': (
        'fft_hfft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_hfftn': (
        'fft_hfftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ifft': (
        'fft_ifft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ifft2': (
        'fft_ifft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ifftn': (
        'fft_ifftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ifftshift': ('fft_ifftshift(Tensor input, IntArrayRef[1]? dim=None)',),
    'fft_ihfft': (
        'fft_ihfft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ihfft2': (
        'fft_ihfft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_ihfftn': (
        'fft_ihfftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_irfft': (
        'fft_irfft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_irfft2': (
        'fft_irfft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_irfftn': (
        'fft_irfftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_rfft': (
        'fft_rfft(Tensor input, SymInt? n=None, int64_t dim=-1, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_rfft2': (
        'fft_rfft2(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1] dim={-2,-1}, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'fft_rfftfreq': (
        'fft_rfftfreq(int64_t n, double d=1.0, *, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, bool? requires_grad=False)',
    ),
    'fft_rfftn': (
        'fft_rfftn(Tensor input, SymIntArrayRef[1]? s=None, IntArrayRef[1]? dim=None, c10::string_view? norm=None, *, Tensor out=None)',
    ),
    'special_airy_ai': ('special_airy_ai(Tensor x, *, Tensor out=None)',),
    'special_bessel_j0': ('special_bessel_j0(Tensor input, *, Tensor out=None)',),
    'special_bessel_j1': ('special_bessel_j1(Tensor input, *, Tensor out=None)',),
    'special_bessel_y0': ('special_bessel_y0(Tensor input, *, Tensor out=None)',),
    'special_bessel_y1': ('special_bessel_y1(Tensor input, *, Tensor out=None)',),
    'special_chebyshev_polynomial_t': (
        'special_chebyshev_polynomial_t(Tensor x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_t(Scalar x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_t(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_chebyshev_polynomial_u': (
        'special_chebyshev_polynomial_u(Tensor x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_u(Scalar x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_u(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_chebyshev_polynomial_v': (
        'special_chebyshev_polynomial_v(Tensor x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_v(Scalar x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_v(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_chebyshev_polynomial_w': (
        'special_chebyshev_polynomial_w(Tensor x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_w(Scalar x, Tensor n, *, Tensor out=None)',
        'special_chebyshev_polynomial_w(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_digamma': ('special_digamma(Tensor input, *, Tensor out=None)',),
    'special_entr': ('special_entr(Tensor input, *, Tensor out=None)',),
    'special_erf': ('special_erf(Tensor input, *, Tensor out=None)',),
    'special_erfc': ('special_erfc(Tensor input, *, Tensor out=None)',),
    'special_erfcx': ('special_erfcx(Tensor input, *, Tensor out=None)',),
    'special_erfinv': ('special_erfinv(Tensor input, *, Tensor out=None)',),
    'special_exp2': ('special_exp2(Tensor input, *, Tensor out=None)',),
    'special_expit': ('special_expit(Tensor input, *, Tensor out=None)',),
    'special_expm1': ('special_expm1(Tensor input, *, Tensor out=None)',),
    'special_gammainc': ('special_gammainc(Tensor input, Tensor other, *, Tensor out=None)',),
    'special_gammaincc': ('special_gammaincc(Tensor input, Tensor other, *, Tensor out=None)',),
    'special_gammaln': ('special_gammaln(Tensor input, *, Tensor out=None)',),
    'special_hermite_polynomial_h': (
        'special_hermite_polynomial_h(Tensor x, Tensor n, *, Tensor out=None)',
        'special_hermite_polynomial_h(Scalar x, Tensor n, *, Tensor out=None)',
        'special_hermite_polynomial_h(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_hermite_polynomial_he': (
        'special_hermite_polynomial_he(Tensor x, Tensor n, *, Tensor out=None)',
        'special_hermite_polynomial_he(Scalar x, Tensor n, *, Tensor out=None)',
        'special_hermite_polynomial_he(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_i0': ('special_i0(Tensor input, *, Tensor out=None)',),
    'special_i0e': ('special_i0e(Tensor input, *, Tensor out=None)',),
    'special_i1': ('special_i1(Tensor input, *, Tensor out=None)',),
    'special_i1e': ('special_i1e(Tensor input, *, Tensor out=None)',),
    'special_laguerre_polynomial_l': (
        'special_laguerre_polynomial_l(Tensor x, Tensor n, *, Tensor out=None)',
        'special_laguerre_polynomial_l(Scalar x, Tensor n, *, Tensor out=None)',
        'special_laguerre_polynomial_l(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_legendre_polynomial_p': (
        'special_legendre_polynomial_p(Tensor x, Tensor n, *, Tensor out=None)',
        'special_legendre_polynomial_p(Scalar x, Tensor n, *, Tensor out=None)',
        'special_legendre_polynomial_p(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_log1p': ('special_log1p(Tensor input, *, Tensor out=None)',),
    'special_log_ndtr': ('special_log_ndtr(Tensor input, *, Tensor out=None)',),
    'special_log_softmax': ('special_log_softmax(Tensor input, int64_t dim, *, ScalarType? dtype=None)',),
    'special_logit': ('special_logit(Tensor input, double? eps=None, *, Tensor out=None)',),
    'special_logsumexp': (
        'special_logsumexp(Tensor input, IntArrayRef[1] dim, bool keepdim=False, *, Tensor out=None)',
    ),
    'special_modified_bessel_i0': ('special_modified_bessel_i0(Tensor input, *, Tensor out=None)',),
    'special_modified_bessel_i1': ('special_modified_bessel_i1(Tensor input, *, Tensor out=None)',),
    'special_modified_bessel_k0': ('special_modified_bessel_k0(Tensor input, *, Tensor out=None)',),
    'special_modified_bessel_k1': ('special_modified_bessel_k1(Tensor input, *, Tensor out=None)',),
    'special_multigammaln': ('special_multigammaln(Tensor input, int64_t p, *, Tensor out=None)',),
    'special_ndtr': ('special_ndtr(Tensor input, *, Tensor out=None)',),
    'special_ndtri': ('special_ndtri(Tensor input, *, Tensor out=None)',),
    'special_polygamma': ('special_polygamma(int64_t n, Tensor input, *, Tensor out=None)',),
    'special_psi': ('special_psi(Tensor input, *, Tensor out=None)',),
    'special_round': ('special_round(Tensor input, *, int64_t decimals=0, Tensor out=None)',),
    'special_scaled_modified_bessel_k0': ('special_scaled_modified_bessel_k0(Tensor x, *, Tensor out=None)',),
    'special_scaled_modified_bessel_k1': ('special_scaled_modified_bessel_k1(Tensor x, *, Tensor out=None)',),
    'special_shifted_chebyshev_polynomial_t': (
        'special_shifted_chebyshev_polynomial_t(Tensor x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_t(Scalar x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_t(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_shifted_chebyshev_polynomial_u': (
        'special_shifted_chebyshev_polynomial_u(Tensor x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_u(Scalar x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_u(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_shifted_chebyshev_polynomial_v': (
        'special_shifted_chebyshev_polynomial_v(Tensor x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_v(Scalar x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_v(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_shifted_chebyshev_polynomial_w': (
        'special_shifted_chebyshev_polynomial_w(Tensor x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_w(Scalar x, Tensor n, *, Tensor out=None)',
        'special_shifted_chebyshev_polynomial_w(Tensor x, Scalar n, *, Tensor out=None)',
    ),
    'special_sinc': ('special_sinc(Tensor input, *, Tensor out=None)',),
    'special_softmax': ('special_softmax(Tensor input, int64_t dim, ScalarType? dtype=None)',),
    'special_spherical_bessel_j0': ('special_spherical_bessel_j0(Tensor x, *, Tensor out=None)',),
    'special_xlog1py': (
        'special_xlog1py(Tensor input, Tensor other, *, Tensor out=None)',
        'special_xlog1py(Scalar self, Tensor other, *, Tensor out=None)',
        'special_xlog1py(Tensor input, Scalar other, *, Tensor out=None)',
    ),
    'special_xlogy': (
        'special_xlogy(Tensor input, Tensor other, *, Tensor out=None)',
        'special_xlogy(Scalar self, Tensor other, *, Tensor out=None)',
        'special_xlogy(Tensor input, Scalar other, *, Tensor out=None)',
    ),
    'special_zeta': (
        'special_zeta(Tensor input, Tensor other, *, Tensor out=None)',
        'special_zeta(Scalar self, Tensor other, *, Tensor out=None)',
        'special_zeta(Tensor input, Scalar other, *, Tensor out=None)',
    ),
}
FUNCTIONAL = {
    'avg_pool2d': (
        'avg_pool2d(Tensor input, IntArrayRef[2] kernel_size, IntArrayRef[2] stride=None, IntArrayRef[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int64_t? divisor_override=None, *, Tensor out=None)',
    ),
    'avg_pool3d': (
        'avg_pool3d(Tensor input, IntArrayRef[3] kernel_size, IntArrayRef[3] stride=None, IntArrayRef[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int64_t? divisor_override=None, *, Tensor out=None)',
    ),
    'elu_': ('elu_(Tensor input, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1)',),
    'gelu': ('gelu(Tensor input, *, c10::string_view approximate="none", Tensor out=None)',),
    'hardtanh_': ('hardtanh_(Tensor input, Scalar min_val=-1, Scalar max_val=1)',),
    'leaky_relu_': ('leaky_relu_(Tensor input, Scalar negative_slope=0.01)',),
    'linear': ('linear(Tensor input, Tensor weight, Tensor? bias=None, *, Tensor out=None)',),
    'logsigmoid': ('log_sigmoid(Tensor input, *, Tensor out=None)',),
    'one_hot': ('one_hot(Tensor input, int64_t num_classes=-1)',),
    'scaled_dot_product_attention': (
        'scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, double dropout_p=0.0, bool is_causal=False, *, double? scale=None, bool enable_gqa=False)',
    ),
    'softplus': ('softplus(Tensor input, Scalar beta=1, Scalar threshold=20, *, Tensor out=None)',),
    'softshrink': ('softshrink(Tensor input, Scalar lambd=0.5, *, Tensor out=None)',),
}
