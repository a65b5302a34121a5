"""glasstorch needs NumPy 2 (pyproject: numpy>=2.0): its dtypes follow NumPy 2's promotion rules (NEP 50).
Run under NumPy 1.26 (checked by hand: 120 of tests/programs/ run with Python 3.10 and NumPy 1.26.4),
some results came out in another dtype than torch's (a float64 attention mask, a complex128 source for
index_put_), so an older NumPy is refused at import, with the fix in the message."""
import os
import subprocess
import sys


def test_numpy_1_is_refused_at_import(tmp_path):
    # glasstorch relies on NumPy 2's promotion rules; under 1.x results would silently change dtype
    fake = tmp_path / "numpy"
    fake.mkdir()
    (fake / "__init__.py").write_text('__version__ = "1.26.4"\n')
    code = "import glasstorch"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), root]))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == ("ImportError: glasstorch needs NumPy 2.0 or newer; this Python has "
                                                 "NumPy 1.26.4 (pip install 'numpy>=2')")
