"""Rank 1 raises; with ``--record`` its entry point is wrapped in torch's ``@record``."""
import os
import sys
import time

from torch.distributed.elastic.multiprocessing.errors import record


def main():
    if os.environ["RANK"] == "1":
        time.sleep(3)           # rank 0 (without --wait) has finished by then, in both libraries
        raise ValueError("boom on rank 1")
    if "--wait" in sys.argv:
        time.sleep(60)          # still running when rank 1 fails: the launcher sends it SIGTERM


if __name__ == "__main__":
    (record(main) if "--record" in sys.argv else main)()
