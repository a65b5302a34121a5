"""The warnings torch gives for deprecated or risky calls (implicit softmax dim, size_average/reduce,
meshgrid without indexing, scheduler before optimizer, ...): the same category and text, and the same
outcome, on glasstorch.  (Warnings torch gives once per process, such as stft's, are tested
in a fresh interpreter elsewhere.)"""
import importlib
import warnings

import pytest

CASES = [
    'o=t.optim.SGD([t.zeros(2, requires_grad=True)], lr=0.1); s=t.optim.lr_scheduler.StepLR(o, 1); s.step()',
    'o=t.optim.SGD([t.zeros(2, requires_grad=True)], lr=0.1); s=t.optim.lr_scheduler.StepLR(o, 1); s.get_lr()',
    'o=t.optim.SGD([t.zeros(2, requires_grad=True)], lr=0.1); s=t.optim.lr_scheduler.StepLR(o, 1); s.step(3)',
    'nn.functional.softmax(t.zeros(2,3))',
    'nn.functional.log_softmax(t.zeros(2,3))',
    'nn.Softmax()(t.zeros(2,3))',
    'nn.functional.mse_loss(t.zeros(2,1), t.zeros(2))',
    'nn.functional.l1_loss(t.zeros(2,1), t.zeros(2))',
    'nn.functional.upsample(t.zeros(1,1,2,2), scale_factor=2)',
    'nn.functional.tanh(t.zeros(2))',
    'nn.functional.sigmoid(t.zeros(2))',
    't.tensor(t.zeros(2))',
    'nn.utils.clip_grad_norm(nn.Linear(1,1).parameters(), 1.0)',
    'nn.init.normal(t.zeros(2))',
    'nn.init.xavier_uniform(t.zeros(2, 2))',
    't.nn.functional.dropout(t.zeros(2), p=0.5, training=True, inplace=False) is None',
    'nn.CrossEntropyLoss(size_average=False)',
    'nn.MSELoss(reduce=False)',
    't.norm(t.eye(2), p=2, dim=(0,1))',
    't.range(0, 3)',
    't.ones(2).new(2)',
    't.ones(2).data.add_(1)',
    't.autograd.Variable(t.ones(2))',
    't.autograd.Variable(t.ones(2), requires_grad=True)',
    'nn.MultiheadAttention(4, 2, batch_first=True)(t.zeros(2,3,4), t.zeros(2,3,4), t.zeros(2,3,4), need_weights=False)[1]',
    'nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, batch_first=True), 2)',
    'nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, norm_first=True), 2)',
    'nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)',
    'nn.LSTM(2, 3, dropout=0.5)',
    't.load',
    'nn.Module().__setstate__({})',
]


def _run(name, code):
    t = importlib.import_module(name)
    nn = importlib.import_module(name + ".nn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, {"t": t, "nn": nn})
            outcome = "ok"
        except Exception as e:      # noqa: BLE001 - torch's outcome is the expectation
            outcome = f"{type(e).__name__}: {e}".split("\nException raised from")[0]
    return outcome.replace("glasstorch", "torch"), [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("code", CASES)
def test_warnings_and_outcome(code):
    assert _run("glasstorch", code) == _run("torch", code)


ONCE = ["t.meshgrid(t.ones(2), t.ones(3))", "t.zeros(2, 3, 4).T", "t.lu(t.eye(2))", "t.chain_matmul(t.eye(2), t.eye(2))",
        "t.cholesky(t.eye(2))", "t.qr(t.eye(2))"]


@pytest.mark.parametrize("code", ONCE)
def test_warnings_given_once_per_process(code):
    # torch gives these once per process: each library runs the call twice in a fresh interpreter
    import subprocess
    import sys
    prog = ("import warnings, {m} as t\nwarnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as r:\n    {c}\n    {c}\n"
            "print([(w.category.__name__, str(w.message)) for w in r])")
    out = [subprocess.run([sys.executable, "-c", prog.format(m=m, c=code)], capture_output=True, text=True).stdout
           for m in ("torch", "glasstorch")]
    assert out[0] and out[1] == out[0]
