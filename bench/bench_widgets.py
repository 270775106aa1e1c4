"""Latency of a slider change in the labs: playground and gradient_flow_lab.

What is timed is the whole callback a slider fires, at the labs' default sizes with the
playground's unit view on (every unit's heatmap and the weight links): rebuild the
network where the control asks for it (and, in the gradient-flow lab, train its 60
steps), update the artists, render the PNGs the browser shows. Also one Play frame
(a training chunk plus a redraw). The target is the issue's: median <= 300 ms.
There is no peer (TensorFlow Playground runs in the browser, not in a kernel).

Run alone: ``python -m bench.bench_widgets`` (or ``python bench/bench_widgets.py``).
"""

from __future__ import annotations

import os
import statistics
import time

TARGET_S = 0.300
PAUSE_S = 0.500  # Play: Pause must act within half a second, i.e. one frame


def _median_callback_time(set_value, values, repeats: int) -> float:
    """Median seconds of ``set_value(v)`` over ``repeats`` changes cycling through values."""
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        set_value(values[k % len(values)])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(name: str, seconds: float, note: str, target: float = TARGET_S) -> dict:
    return {"name": name, "ours": seconds, "peer": None, "ratio": None,
            "target": f"<= {target * 1000:.0f} ms", "met": seconds <= target,
            "note": note}


def run(quick: bool = False) -> list[dict]:
    """Rows: name, ours (median seconds), peer, ratio, target, met, note."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import bplab as bp

    repeats = 5 if quick else 15
    pg = bp.labs.playground(unit_view=True)
    gf = bp.labs.gradient_flow_lab()
    lrs = [0.01, 0.1, 0.003, 0.3, 0.03]
    depths = [3, 5, 1, 6, 2]

    def set_attr(control):
        return lambda v: setattr(control, "value", v)

    def play_frame(_):
        pg.advance(pg.player.budget)
        pg.redraw()

    size = (f"{pg.n} points, {pg.depth.value}x{pg.width.value} units, unit view on, "
            f"grid {pg.resolution}^2")
    return [
        _row("playground: learning-rate slider", _median_callback_time(
            set_attr(pg.lr), lrs, repeats), f"redraw + 2 PNGs; {size}"),
        _row("playground: depth slider", _median_callback_time(
            set_attr(pg.depth), depths, repeats), f"rebuild + redraw + 2 PNGs; {size}"),
        _row("playground: x1² input toggle", _median_callback_time(
            set_attr(pg.feature_buttons["x1²"]), [True, False], repeats),
            f"rebuild + redraw + 2 PNGs; {size}"),
        _row("playground: one Play frame", _median_callback_time(
            play_frame, [None], repeats), f"{pg.player.budget * 1000:.0f} ms of training + "
            "redraw; Pause acts within one frame", target=PAUSE_S),
        _row("gradient_flow_lab: depth slider", _median_callback_time(
            set_attr(gf.depth), depths, repeats),
            f"rebuild + {gf.num_steps} SGD steps + redraw + PNG; width {gf.width}"),
        _row("gradient_flow_lab: step slider", _median_callback_time(
            set_attr(gf.step), [5, 30, 50, 0, 20], repeats), "bars + PNG only"),
    ]

if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<36} {row['ours'] * 1000:7.1f} ms  target {row['target']}  "
              f"{'met' if row['met'] else 'MISSED'}  ({row['note']})")
