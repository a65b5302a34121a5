"""glasstorch.viz costs: DOT text of a 10,000-node graph (target < 1 s), and a traced backward
against a plain one (target: at most 3x).  Run: python bench/bench_viz.py"""
import time

import glasstorch as gt
from glasstorch.viz import draw_graph, trace_backward


def chain(n):
    x = gt.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for i in range(n):
        y = y * 1.0001 if i % 2 else y + 0.5
    return y.sum()


def best(fn, reps=3):
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def main():
    root = chain(10_000)
    t_dot = best(lambda: draw_graph(root, params={}).dot)
    print(f"DOT of a {len(draw_graph(root, params={}).boxes)}-node graph: {t_dot:.3f} s  (target < 1 s)")

    def timed(traced, reps=7):
        out = []
        for _ in range(reps):
            r = chain(10_000)                      # building the graph is not timed
            t0 = time.perf_counter()
            if traced:
                with trace_backward(r, params={}):  # walking and hooking the graph is timed
                    r.backward()
            else:
                r.backward()
            out.append(time.perf_counter() - t0)
        return min(out)
    t_plain, t_traced = timed(False), timed(True)
    print(f"backward of 10,000 nodes: plain {t_plain:.3f} s, traced {t_traced:.3f} s, "
          f"ratio {t_traced / t_plain:.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
