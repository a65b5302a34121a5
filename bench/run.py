"""`make bench`: run every benchmark script in this folder, glasstorch beside torch."""
import glob
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
# what the numbers depend on: torch's kernels, NumPy's loops and the BLAS kernels NumPy runs (some
# machines here set OPENBLAS_CORETYPE=Haswell, which halves NumPy's matrix products on AVX-512 CPUs)
about = ("import platform, numpy as np, torch\n"
         "c = getattr(np, '_core', None) or np.core\n"
         "simd = [f for f in c._multiarray_umath.__cpu_dispatch__ if c._multiarray_umath.__cpu_features__.get(f)]\n"
         "try:\n    import threadpoolctl\n"
         "    blas = [i.get('architecture') for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas']\n"
         "except ImportError:\n    blas = ['?']\n"
         "print(f'machine: {platform.processor() or platform.machine()}; torch {torch.__version__} at CPU capability '\n"
         "      f'{torch.backends.cpu.get_cpu_capability()}, {torch.get_num_threads()} threads; NumPy {np.__version__} '\n"
         "      f'SIMD {simd}, OpenBLAS kernels {blas}')\n")
subprocess.call([sys.executable, "-c", about])
print("environment:", {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "ATEN_CPU", "ONEDNN", "NPY_"))})
status = 0
for path in sorted(glob.glob(os.path.join(here, "bench_*.py"))):
    print(f"\n===== {os.path.basename(path)} =====", flush=True)
    status |= subprocess.call([sys.executable, path])
sys.exit(status)
