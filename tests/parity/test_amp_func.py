"""Parity of the modern-idiom surface: torch.amp (GradScaler on the CPU, autocast where disabled),
the float32 matmul precision switch, torch.cpu, torch.bfloat16 as a name, finfo's repr, channels_last
memory format, inference tensors, and torch.func."""
import warnings

import numpy as np
import pytest

import glasstorch

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def _quiet(fn):
    def run(*a):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*a)
    return run


def test_grad_scaler_enabled_on_cpu():
    def run(t):
        t.manual_seed(0)
        model = t.nn.Linear(3, 1)
        opt = t.optim.SGD(model.parameters(), lr=0.1)
        scaler = t.amp.GradScaler("cpu", init_scale=256.0, growth_interval=2, backoff_factor=0.25)
        log = [scaler.is_enabled(), scaler.get_scale(), scaler.state_dict()]
        for step in range(5):
            opt.zero_grad()
            loss = model(t.ones(4, 3)).pow(2).mean()
            if step == 2:
                loss = loss * float("nan")
            s = scaler.scale(loss)
            s.backward()
            scaler.unscale_(opt)
            g = model.weight.grad.clone()
            scaler.step(opt)
            scaler.update()
            log += [s.detach(), g, model.weight.detach().clone(), scaler.get_scale(), scaler._get_growth_tracker()]
        log += scaler.scale([t.ones(1), t.ones(2)])
        other = t.amp.GradScaler("cpu")
        other.load_state_dict(scaler.state_dict())
        log += [other.state_dict(), other.get_scale()]
        return log
    same_on_both(run, [])


def test_grad_scaler_disabled_and_errors():
    same_on_both(_quiet(lambda t: [t.amp.GradScaler("cpu", enabled=False).state_dict(),
                                   t.amp.GradScaler("cpu", enabled=False).get_scale(),
                                   t.amp.GradScaler().is_enabled(), t.cuda.amp.GradScaler().is_enabled(),
                                   t.amp.GradScaler(enabled=False).scale(t.ones(2))]), [])

    def twice(t):
        m = t.nn.Linear(1, 1)
        opt = t.optim.SGD(m.parameters(), lr=0.1)
        sc = t.amp.GradScaler("cpu")
        sc.scale(m(t.ones(1, 1)).sum()).backward()
        sc.unscale_(opt)
        sc.unscale_(opt)
    same_error(twice)
    same_error(lambda t: t.amp.GradScaler("cpu").step(t.optim.SGD([t.zeros(1, requires_grad=True)], lr=1)))
    same_error(lambda t: t.amp.GradScaler("cpu", growth_factor=0.5))
    same_error(lambda t: t.amp.GradScaler("cpu").load_state_dict({}))


def test_autocast_disabled_regions_and_state():
    def run(t):
        out = [t.is_autocast_enabled(), t.is_autocast_enabled("cpu"), str(t.get_autocast_dtype("cpu")),
               str(t.get_autocast_dtype("cuda")), str(t.get_autocast_cpu_dtype()), t.amp.is_autocast_available("cpu")]
        with t.autocast("cpu", enabled=False):
            out += [t.is_autocast_enabled("cpu"), str(t.get_autocast_dtype("cpu"))]
        with t.autocast("cpu", dtype=t.float16, enabled=False):
            out.append(str(t.get_autocast_dtype("cpu")))
        with t.amp.autocast("cuda", dtype=t.bfloat16):          # no CUDA: disabled with a warning
            out += [t.is_autocast_enabled("cuda"), str((t.ones(2) @ t.ones(2)).dtype)]
        with t.cuda.amp.autocast():
            out.append(t.is_autocast_enabled("cuda"))
        with t.autocast("cpu", dtype=t.float64):               # unsupported dtype: disabled with a warning
            out.append(t.is_autocast_enabled("cpu"))

        @t.autocast("cpu", enabled=False)
        def f(x):
            return x * 2
        out += [f(t.ones(1)), str(t.get_autocast_dtype("cpu"))]
        return out
    same_on_both(_quiet(run), [])
    same_error(lambda t: t.autocast("tpu"))
    same_error(lambda t: t.autocast(3))


def test_enabled_cpu_autocast_is_refused():
    with pytest.raises(NotImplementedError, match="autocast"):
        with glasstorch.autocast("cpu", dtype=glasstorch.bfloat16):
            pass


def test_runtime_switches_and_names():
    def run(t):
        out = [t.get_float32_matmul_precision()]
        t.set_float32_matmul_precision("medium")
        out += [t.get_float32_matmul_precision(), t.backends.cuda.matmul.allow_tf32]
        t.set_float32_matmul_precision("bogus")
        out.append(t.get_float32_matmul_precision())
        t.set_float32_matmul_precision("highest")
        out += [t.backends.cuda.matmul.allow_tf32, t.cpu.is_available(), t.cpu.device_count(), t.cpu.current_device()]
        out += [repr(t.bfloat16), t.bfloat16.is_floating_point, t.bfloat16.itemsize, t.float32 == t.bfloat16,
                t.ones(1).dtype == t.bfloat16, hasattr(t, "get_printoptions")]
        out += [repr(t.finfo(d)) for d in (t.float32, t.float64, t.float16)]
        out += [t.finfo(t.float32).resolution, t.finfo().resolution]
        return out
    same_on_both(_quiet(run), [])
    same_error(lambda t: t.set_float32_matmul_precision(3))


def test_channels_last():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    for fn in (lambda t, a: (a.to(memory_format=t.channels_last).stride(),
                             a.to(memory_format=t.channels_last).is_contiguous(),
                             a.to(memory_format=t.channels_last).is_contiguous(memory_format=t.channels_last),
                             a.to(memory_format=t.channels_last) * 2),
               lambda t, a: a.contiguous(memory_format=t.channels_last).stride(),
               lambda t, a: a.clone(memory_format=t.channels_last).stride(),
               lambda t, a: (a.to(memory_format=t.channels_last) + 1).stride(),
               lambda t, a: a.to(memory_format=t.channels_last).contiguous().stride(),
               lambda t, a: a[:, :1].is_contiguous(memory_format=t.channels_last),
               lambda t, a: a.to(t.float64, memory_format=t.channels_last).stride(),
               lambda t, a: a.unsqueeze(2).to(memory_format=t.channels_last_3d).stride(),
               lambda t, a: a.to(memory_format=t.channels_last).to(memory_format=t.contiguous_format).stride()):
        same_on_both(fn, [x])
    same_error(lambda t: t.ones(2, 3).to(memory_format=t.channels_last))
    same_error(lambda t: t.ones(2, 3, 4).contiguous(memory_format=t.channels_last))


def test_inference_tensors():
    def run(t):
        with t.inference_mode():
            y = t.ones(2) * 3
        out = [y.is_inference(), y.requires_grad]
        with t.inference_mode():
            y.requires_grad_(True)
            out.append(y.requires_grad)
        return out
    same_on_both(run, [])

    def outside(t):
        with t.inference_mode():
            y = t.ones(2)
        y.requires_grad_(True)
    same_error(outside)


def test_func_transforms():
    def run(t):
        t.manual_seed(0)
        net = t.nn.Linear(3, 2)
        x = t.randn(4, 3)
        params = {k: v.detach() * 2 for k, v in net.named_parameters()}
        out = [t.func.functional_call(net, params, (x,)), t.func.functional_call(net, params, x),
               net.weight.sum(), t.func.functional_call(net, ({"weight": params["weight"]}, {"bias": params["bias"]}), x)]
        f = lambda w: (w ** 3).sum()     # noqa: E731
        w = t.tensor([1.0, 2.0])
        out += [t.func.grad(f)(w), t.func.grad(t.func.grad(lambda s: s ** 4))(t.tensor(2.0)),
                *t.func.grad_and_value(f)(w), t.func.vmap(t.dot)(x, x), t.func.vmap(lambda r: r.sum(), in_dims=1)(x),
                t.func.vmap(lambda a, b: a * b, in_dims=(0, None))(x, t.ones(3)),
                t.func.jacrev(t.sin)(w), t.func.hessian(f)(w)]
        val, fn = t.func.vjp(t.sin, w)
        out += [val, *fn(t.ones(2))]

        def loss(p):
            return t.func.functional_call(net, p, (x,)).pow(2).mean()
        out += list(t.func.grad(loss)({k: v.detach() for k, v in net.named_parameters()}).values())
        return out
    same_on_both(run, [], **TOL)
    same_error(lambda t: t.func.grad(lambda a: a * 2)(t.ones(2)))


def test_deprecated_amp_homes_import_under_the_shim(tmp_path):
    import subprocess
    import sys
    prog = tmp_path / "prog.py"
    prog.write_text("import warnings\nwarnings.simplefilter('ignore')\n"
                    "from torch.cuda.amp import GradScaler, autocast\nfrom torch.cpu.amp import autocast as cpu_ac\n"
                    "import torch.backends.cudnn\nfrom torch.func import functional_call\n"
                    "from torch.nn.utils.parametrizations import weight_norm\n"
                    "from torch.nn.utils.stateless import functional_call as old_call\nimport torch\n"
                    "print(GradScaler().is_enabled(), cpu_ac(enabled=False).device, torch.backends.cudnn.enabled)\n")
    outs = [subprocess.run([sys.executable, *pre, str(prog)], capture_output=True, text=True, cwd=tmp_path).stdout
            for pre in ([], ["-m", "glasstorch", "run"])]
    assert outs[0] == outs[1] == "False cpu True\n"
