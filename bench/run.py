"""`make bench`: run every benchmark script in this folder, glasstorch beside torch."""
import glob
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
status = 0
for path in sorted(glob.glob(os.path.join(here, "bench_*.py"))):
    print(f"\n===== {os.path.basename(path)} =====", flush=True)
    status |= subprocess.call([sys.executable, path])
sys.exit(status)
