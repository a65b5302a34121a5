"""Run a program as if in a fresh interpreter, without paying for the interpreter and the import each time.

A *zygote* is one long-lived Python process per backend that has already imported torch (or
glasstorch, installed as ``torch`` the way ``python -m glasstorch run`` does) and nothing else.
Each program runs in a child forked from it: a new process, with the zygote's untouched module
state, the program's own working directory, argv, ``sys.path[0]`` and ``__main__``, its stdout and
stderr in files, and an alarm for the time limit. Importing torch costs about 3.5 s of CPU per
program (2 s for ``import torch``, 1.5 s more for the dynamo modules its first optimizer imports);
the tests run some three hundred programs on both backends, so that is many minutes of CI.

Where fork is not available, or a zygote dies, ``run`` falls back to a fresh interpreter.
"""
import json
import os
import subprocess
import sys
import tempfile

_ZYGOTE = r'''
import atexit, json, os, runpy, signal, sys, traceback
if sys.argv[1] == "torch":
    import torch
    # what torch imports on a program's first optimizer (its dynamo-disabling decorator): 1.5 s a program
    import torch._dynamo
else:
    from glasstorch._shim import install_as_torch
    install_as_torch()
    import torch
requests = sys.stdin
sys.stdin = open(os.devnull)
print("ready", flush=True)
for line in requests:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(req["timeout"])
            os.chdir(req["cwd"])
            for fd, name in ((1, "out"), (2, "err")):
                f = os.open(req[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(f, fd)
                os.close(f)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            sys.argv = [req["path"]]
            sys.path.insert(0, os.path.dirname(req["path"]))
            try:
                runpy.run_path(req["path"], run_name="__main__")
                code = 0
            except SystemExit as e:
                if e.code is None or isinstance(e.code, int):
                    code = e.code or 0
                else:
                    print(e.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            atexit._run_exitfuncs()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"rc": os.waitstatus_to_exitcode(status)}), flush=True)
'''

_zygotes = {}


def _zygote(backend, env):
    z = _zygotes.get(backend)
    if z is not None and z.poll() is None:
        return z
    z = subprocess.Popen([sys.executable, "-c", _ZYGOTE, backend], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, env=env)
    if z.stdout.readline().strip() != "ready":
        z.kill()
        return None
    _zygotes[backend] = z
    return z


def run(backend, path, cwd, env, timeout):
    """(returncode, stdout, stderr) of ``path`` run on ``backend`` ("torch" or "glasstorch") in ``cwd``."""
    z = _zygote(backend, env) if hasattr(os, "fork") else None
    if z is not None:
        outdir = tempfile.mkdtemp(prefix="zygote-")          # not in cwd: a program may list it
        out, err = os.path.join(outdir, "out"), os.path.join(outdir, "err")
        try:
            z.stdin.write(json.dumps({"path": os.path.abspath(path), "cwd": str(cwd), "out": out, "err": err,
                                      "timeout": timeout}) + "\n")
            z.stdin.flush()
            rc = json.loads(z.stdout.readline())["rc"]
        except (OSError, ValueError):
            z.kill()
        else:
            with open(out) as fo, open(err) as fe:
                return rc, fo.read(), fe.read()
    args = [path] if backend == "torch" else ["-m", "glasstorch", "run", path]
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)
    return r.returncode, r.stdout, r.stderr
