"""Parity pins for sweep29b (evaluation metrics for generative models: FID, KID, IS, precision/recall,
SSIM, PSNR programs).

Fixed in glasstorch:
- a missing attribute of a public submodule raises torch's AttributeError wording, naming the torch
  module: ``torch.linalg.sqrtm`` (which FID code probes for, falling back to eigh) gives "module
  'torch.linalg' has no attribute 'sqrtm'", not "module 'glasstorch.linalg' ..."; likewise torch.fft,
  torch.special, torch.nn, torch.nn.functional, torch.distributions, torch.optim, torch.utils.data, ...
  (_module_attr_errors.py, applied by _class_paths's post-import hook to every glasstorch module, the
  lazily imported ones included); torch.utils's own ``__getattr__`` says 'torch.utils' too.
- ``torch.set_grad_enabled(mode)`` takes a bool only, as torch's parser: 0, 1.0, None, a tensor or a NumPy
  bool raise "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not int" (glasstorch took
  any truthy value); and it prints as torch's ``torch.autograd.grad_mode.set_grad_enabled(mode=False)``
  (repr and str), not as an object address (autograd/grad_mode.py).
- seeds as torch takes them: ``torch.manual_seed`` (and ``torch.random.manual_seed``) converts with int()
  first, so an argparse string "7" seeds (it raised "manual_seed expected a long"), and "a" or None give
  int()'s ValueError / TypeError; ``torch.Generator().manual_seed`` takes an int only: a float, bool,
  tensor, None or list raise "manual_seed expected a long, but got float", a NumPy integer "an integer
  is required" (it converted them) (random.py, _generator.py TensorGenerator); ``torch.cuda.manual_seed``
  / ``manual_seed_all`` without a GPU still run int(seed) and its errors (_runtime.py).
- ``torch.set_num_threads`` / ``set_num_interop_threads`` take an int (a NumPy integer too), not a str,
  float, bool or tensor ("set_num_threads expects an int, but got str"), and a positive one ("...
  expects a positive integer"; interop threads took anything) (_runtime.py).
- the k of ``kthvalue`` and the num_samples of ``multinomial`` go through torch's parser (a SymInt): 2.0,
  "2", None or a 1-element tensor raise "kthvalue(): argument 'k' (position 2) must be int, not float"
  (they were truncated), NumPy and 0-d integer tensors are taken (ops/sorting.py, _random_api.py).
- ``torch.cdist``'s p is _VF.cdist's ``double p``: "fro", None, a complex or a 1-element tensor raise
  "cdist(): argument 'p' (position 3) must be float, not str" (after the compute_mode check, as torch), a
  0-d tensor is taken (a complex one with an imaginary part: "value cannot be converted to type double
  without overflow") (ops/creation_more.py).
- likewise ``bincount``'s minlength and ``F.one_hot``'s num_classes: 4.0 raises "one_hot(): argument
  'num_classes' must be int, not float" (it was taken) (ops/sorting.py, nn/_ops/sparse.py).
- ``F.normalize`` with p "fro", "nuc" or None is torch's ``input.norm(p, dim, keepdim=True)`` (the
  Frobenius / nuclear / 2-norm; "nuc" over one dim and unknown strings raise linalg.matrix_norm's
  errors); glasstorch raised "linalg_vector_norm(): argument 'ord' must be Number" (nn/functional.py).
- ``torch.set_flush_denormal`` takes a bool only: "flush_denormal expects a bool, but got int" (_api_more.py).
"""
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome

SUBMODULES = ["linalg", "fft", "special", "nn", "nn.functional", "nn.init", "nn.utils", "distributions",
              "distributions.constraints", "optim", "optim.lr_scheduler", "utils", "utils.data", "random",
              "signal.windows", "testing", "amp", "func", "nn.modules", "nn.modules.conv", "distributions.kl",
              "distributions.normal", "nn.utils.parametrize", "utils.data.sampler", "autograd.graph", "quasirandom",
              "serialization", "library", "types", "profiler", "compiler"]


def _sub(m, path):
    for part in path.split("."):
        m = getattr(m, part)
    return m


@pytest.mark.parametrize("path", SUBMODULES)
def test_missing_submodule_attribute_names_the_torch_module(path):
    same_error(lambda m: getattr(_sub(m, path), "sqrtm_not_there"))


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(SUBMODULES), st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True))
def test_missing_attribute_any_name(path, name):
    if hasattr(_sub(torch, path), name) or hasattr(_sub(glasstorch, path), name):
        return          # a name either module defines (an import such as np): not this test's business
    same_error(lambda m: getattr(_sub(m, path), name))


@pytest.mark.parametrize("path,name", [("linalg", "norm"), ("nn.functional", "conv2d"), ("fft", "fftshift"),
                                       ("distributions", "Normal"), ("special", "entr")])
def test_existing_attributes_and_hasattr_unchanged(path, name):
    assert hasattr(_sub(glasstorch, path), name) == hasattr(_sub(torch, path), name)
    assert hasattr(_sub(glasstorch, path), name + "_zz") == hasattr(_sub(torch, path), name + "_zz")


def test_through_the_torch_alias_in_a_program(tmp_path):
    # ``python -m glasstorch run`` imports submodules through the torch alias (_shim.py)
    prog = tmp_path / "p.py"
    prog.write_text(
        "import torch\nimport torch.nn.functional as F\nfrom torch.distributions import Normal\n"
        "for mod, n in [(torch.linalg, 'sqrtm'), (F, 'ssim'), (torch.distributions, 'Foo'),\n"
        "               (torch.fft, 'fftn2'), (torch.nn.modules.conv, 'Conv9d')]:\n"
        "    try:\n        getattr(mod, n)\n    except AttributeError as e:\n        print(e)\n")
    want = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True, check=True).stdout
    got = subprocess.run([sys.executable, "-m", "glasstorch", "run", str(prog)], capture_output=True, text=True,
                         check=True).stdout
    assert got == want


def test_fid_with_eigh_sqrt_float64():
    def fid(m):
        m.manual_seed(0)
        a = m.randn(60, 4, dtype=m.float64)
        b = m.randn(60, 4, dtype=m.float64) * 1.3 + 0.2
        s1, s2 = m.cov(a.T), m.cov(b.T)
        vals, vecs = m.linalg.eigh(s1)
        r1 = vecs @ m.diag(vals.clamp(min=0).sqrt()) @ vecs.mT
        tr = m.linalg.eigvalsh(r1 @ s2 @ r1).clamp(min=0).sqrt().sum()
        return (a.mean(0) - b.mean(0)).pow(2).sum() + s1.trace() + s2.trace() - 2 * tr
    same_on_both(lambda m: fid(m), [], grad=False, rtol=1e-10, atol=1e-12)


def test_torch_linalg_has_no_sqrtm_and_fallback():
    same_outcome(lambda m: m.linalg.sqrtm(m.eye(2)))


@pytest.mark.parametrize("mode", ["0", "1", "1.0", "None", "'a'", "t.tensor(True)", "np.bool_(True)", "[True]"])
def test_set_grad_enabled_takes_a_bool_only(mode):
    import numpy as np
    try:
        same_error(lambda m: m.set_grad_enabled(eval(mode, {"t": m, "np": np})))
    finally:
        torch.set_grad_enabled(True)
        glasstorch.set_grad_enabled(True)


@pytest.mark.parametrize("mode", [True, False])
def test_set_grad_enabled_prints_as_torch(mode):
    outs = []
    for m in (torch, glasstorch):
        try:
            ctx = m.set_grad_enabled(mode)
            outs.append((repr(ctx).replace("glasstorch", "torch"), str(ctx).replace("glasstorch", "torch"),
                         m.is_grad_enabled(), repr(m.autograd.set_grad_enabled(mode)).replace("glasstorch", "torch")))
        finally:
            m.set_grad_enabled(True)
    assert outs[0] == outs[1]


@settings(max_examples=10, deadline=None)
@given(st.booleans(), st.booleans())
def test_set_grad_enabled_as_context_and_decorator(outer, inner):
    def fn(m):
        x = m.ones(2, requires_grad=True)
        with m.set_grad_enabled(outer):
            with m.set_grad_enabled(inner):
                a = (x * 2).requires_grad
            b = (x * 2).requires_grad

        @m.set_grad_enabled(inner)
        def f(t):
            return (t * 3).requires_grad, m.is_grad_enabled()
        return a, b, f(x), m.is_grad_enabled()
    assert fn(torch) == fn(glasstorch)


SEEDS = ["'7'", "'a'", "1.5", "2.0", "True", "t.tensor(3)", "t.tensor(3.5)", "t.tensor([3])", "t.tensor([1, 2])",
         "np.int64(4)", "np.uint8(3)", "np.float64(2.0)", "np.bool_(True)", "None", "-1", "2 ** 63", "-2 ** 63",
         "2 ** 64 - 1", "2 ** 64", "-2 ** 63 - 1", "[1]"]
SEEDERS = {
    "manual_seed": lambda m, s: m.manual_seed(s).initial_seed(),
    "random.manual_seed": lambda m, s: m.random.manual_seed(s).initial_seed(),
    "Generator.manual_seed": lambda m, s: m.Generator().manual_seed(s).initial_seed(),
    "Generator(device).manual_seed": lambda m, s: m.Generator(device="cpu").manual_seed(s).initial_seed(),
    "cuda.manual_seed": lambda m, s: m.cuda.manual_seed(s),
    "cuda.manual_seed_all": lambda m, s: m.cuda.manual_seed_all(s),
}


def _seed_outcome(m, fn, expr):
    import numpy as np
    state = m.get_rng_state()
    try:
        out = fn(m, eval(expr, {"t": m, "np": np}))
        return "ok", out, m.rand(2).tolist() if fn is SEEDERS["manual_seed"] else None
    except Exception as e:      # noqa: BLE001 - torch's exception is the expectation
        return type(e).__name__, str(e)
    finally:
        m.set_rng_state(state)


@pytest.mark.parametrize("seeder", sorted(SEEDERS))
@pytest.mark.parametrize("expr", SEEDS)
def test_seed_argument_types(seeder, expr):
    assert _seed_outcome(glasstorch, SEEDERS[seeder], expr) == _seed_outcome(torch, SEEDERS[seeder], expr)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2 ** 64 - 1))
def test_string_seed_is_the_int_seed(seed):
    def fn(m):
        m.manual_seed(str(seed))
        a = m.rand(3)
        m.manual_seed(seed)
        return a, m.rand(3), m.tensor(m.initial_seed())
    state_t, state_g = torch.get_rng_state(), glasstorch.get_rng_state()
    try:
        same_outcome(fn)
    finally:
        torch.set_rng_state(state_t)
        glasstorch.set_rng_state(state_g)


@pytest.mark.parametrize("name", ["set_num_threads", "set_num_interop_threads"])
@pytest.mark.parametrize("expr", ["'2'", "2.0", "None", "True", "-1", "0", "t.tensor(1)", "np.float32(1)", "[1]"])
def test_thread_count_argument(name, expr):
    import numpy as np
    same_error(lambda m: getattr(m, name)(eval(expr, {"t": m, "np": np})))


def test_thread_count_accepts_numpy_integers():
    import numpy as np
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    try:
        for m in (torch, glasstorch):
            m.set_num_threads(np.int64(1))
        assert torch.get_num_threads() == glasstorch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


INT_ARGS = ["2", "2.0", "True", "'2'", "None", "np.int64(2)", "np.float32(2)", "t.tensor(2)", "t.tensor([2])",
            "t.tensor(2.0)"]
K_CALLS = {
    "kthvalue": lambda m, x, k: m.kthvalue(x, k),
    "kthvalue_method_dim": lambda m, x, k: x.kthvalue(k, 1),
    "kthvalue_kw": lambda m, x, k: m.kthvalue(x, k=k, dim=0, keepdim=True),
    "multinomial": lambda m, x, k: m.multinomial(x, k),
    "multinomial_method": lambda m, x, k: x.multinomial(k, True),
    "multinomial_kw": lambda m, x, k: m.multinomial(x, num_samples=k, replacement=True),
    "bincount_kw": lambda m, x, k: m.bincount((x * 4).long()[0], minlength=k),
    "bincount_method": lambda m, x, k: (x * 4).long()[1].bincount(None, k),
    "bincount_weights": lambda m, x, k: m.bincount((x * 4).long()[0], x[1], k),
    "one_hot": lambda m, x, k: m.nn.functional.one_hot((x * 2).long(), k),
    "one_hot_kw": lambda m, x, k: m.nn.functional.one_hot((x * 2).long(), num_classes=k),
}


@pytest.mark.parametrize("call", sorted(K_CALLS))
@pytest.mark.parametrize("expr", INT_ARGS)
def test_int_arguments_of_kthvalue_and_multinomial(call, expr):
    import numpy as np

    def fn(m):
        m.manual_seed(0)
        x = m.rand(3, 5)
        return K_CALLS[call](m, x, eval(expr, {"t": m, "np": np}))
    same_outcome(lambda m: [o for o in fn(m)] if "kthvalue" in call else fn(m))


P_ARGS = ["2", "1.5", "True", "0", "float('inf')", "'fro'", "None", "1 + 0j", "np.float32(1.5)", "np.int64(3)",
          "t.tensor(1.5)", "t.tensor([1.5])", "t.tensor(2)", "t.tensor(1.5, requires_grad=True)",
          "t.tensor(1 + 1j)", "t.tensor(2 + 0j)", "-1.0"]


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "donot_use_mm_for_euclid_dist", "bad"])
@pytest.mark.parametrize("expr", P_ARGS)
def test_cdist_p_argument(expr, mode):
    import numpy as np

    def fn(m):
        m.manual_seed(0)
        return m.cdist(m.rand(2, 4, 3), m.rand(2, 5, 3), p=eval(expr, {"t": m, "np": np}), compute_mode=mode)
    same_outcome(fn, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("expr", ["True", "False", "1", "0", "None", "'a'", "np.bool_(True)", "t.tensor(True)"])
def test_set_flush_denormal_takes_a_bool(expr):
    import numpy as np
    outs = []
    for m in (torch, glasstorch):
        try:
            outs.append(("ok", m.set_flush_denormal(eval(expr, {"t": m, "np": np}))))
        except Exception as e:      # noqa: BLE001 - torch's exception is the expectation
            outs.append((type(e).__name__, str(e)))
        finally:
            m.set_flush_denormal(False)
    assert outs[0] == outs[1]


@pytest.mark.parametrize("p,dim", [("fro", 1), ("fro", -1), ("fro", (1, 2)), ("nuc", (1, 2)), (None, 1), (None, 0),
                                   (2, 1), (1.5, -1)])
def test_normalize_with_string_and_none_p(p, dim):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    same_on_both(lambda m, t: m.nn.functional.normalize(t, p=p, dim=dim), [x], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("p,dim", [("nuc", 1), ("bad", 1), ("fro", (0, 1, 2))])
def test_normalize_string_p_errors(p, dim):
    same_outcome(lambda m: m.nn.functional.normalize(m.ones(2, 3, 4), p=p, dim=dim))
