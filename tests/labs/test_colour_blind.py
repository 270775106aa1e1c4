"""Never meaning by colour alone (issue 14 §6): every plot bplab draws with more than one
series, or with a colour that means something, stays readable for colour-blind readers.

Two series pass when they differ in line style, marker or hatch, or when their colours stay
apart under each simulated colour-vision deficiency (colorspacious: deuteranomaly,
protanomaly, tritanomaly at severity 100, i.e. dichromacy) and normal vision, by more than
``MIN_DELTA_E`` in CAM02-UCS.

Why 10: in CAM02-UCS a distance of about 1 is a just-noticeable difference between two
large patches side by side; lines 1-2 px wide and scatter dots are small fields, where the
eye needs several times that, and a reader matches a line to its legend entry across the
figure, not side by side. Colour-vision research on plot palettes (e.g. the Okabe-Ito and
Tol palettes, which keep ~15-20 apart) puts "tellable apart at a glance" near 10 or more;
matplotlib's default tab:orange and tab:green fall to about 5 under deuteranopia, the
classic pair a red-green reader cannot tell apart in a legend.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

colorspacious = pytest.importorskip("colorspacious")

import matplotlib.colors as mcolors

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
MIN_DELTA_E = 10.0


def seen_as(rgb, deficiency: str | None) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) as a reader with ``deficiency`` (None: normal) sees it."""
    rgb = np.asarray(mcolors.to_rgb(rgb) if isinstance(rgb, str) else rgb, dtype=float)[..., :3]
    if deficiency is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)


def delta_e(a, b) -> float:
    """The smallest CAM02-UCS distance between colours a and b over normal vision and the
    three simulated deficiencies."""
    return min(float(np.linalg.norm(colorspacious.cspace_convert(seen_as(a, d), "sRGB1",
                                                                  "CAM02-UCS")
                                    - colorspacious.cspace_convert(seen_as(b, d), "sRGB1",
                                                                   "CAM02-UCS")))
               for d in (None, *DEFICIENCIES))


def rgb(color) -> tuple:
    return tuple(float(x) for x in np.round(mcolors.to_rgb(color), 4))


def test_the_simulation_and_threshold_catch_the_classic_red_green_pair():
    """The measure itself: red vs green fails, blue vs orange passes; a deficiency lowers it."""
    assert delta_e("#2ca02c", "#ff7f0e") < MIN_DELTA_E  # tab:green vs tab:orange
    assert delta_e("#0072B2", "#E69F00") > MIN_DELTA_E  # Okabe-Ito blue vs orange
    normal = colorspacious.cspace_convert(seen_as("#d62728", None), "sRGB1", "CAM02-UCS")
    deutan = colorspacious.cspace_convert(seen_as("#d62728", "deuteranomaly"), "sRGB1",
                                          "CAM02-UCS")
    assert np.linalg.norm(normal - deutan) > 5  # the simulation changes a red


# ---- what a figure's series are ---------------------------------------------------------------
def series(ax) -> list[tuple[str, tuple, tuple]]:
    """(name, colour, other cues) of each series on ``ax`` that a reader tells apart:
    legend-labelled lines and scatter sets, bars of different colours, and the distinct
    colours of one scatter coloured per point (classes). Other cues: line style, marker,
    hatch; two series with different cues need not differ in colour."""
    found = []
    for line in ax.get_lines():
        if not line.get_label().startswith("_") and line.get_visible():
            found.append((line.get_label(), rgb(line.get_color()),
                          (line.get_linestyle(), str(line.get_marker()))))
    for coll in ax.collections:
        faces = coll.get_facecolors() if hasattr(coll, "get_facecolors") else []
        if type(coll).__name__ != "PathCollection" or len(faces) == 0:
            continue
        if not coll.get_label().startswith("_"):
            found.append((coll.get_label(), rgb(faces[0]), ("scatter",)))
        elif len(classes := np.unique(np.round(faces[:, :3], 4), axis=0)) > 1:
            found += [(f"points coloured {k}", rgb(face), ("scatter",))  # per-point colours
                      for k, face in enumerate(classes)]
    bars, boxes = set(), set()
    for patch in ax.patches:
        if not patch.get_visible():
            continue
        if type(patch).__name__ == "Rectangle" and patch.get_height():
            bars.add((rgb(patch.get_facecolor()), patch.get_hatch() or ""))
        elif type(patch).__name__ == "FancyBboxPatch":  # boxes filled by group (course map)
            boxes.add((rgb(patch.get_facecolor()), str(patch.get_linestyle()),
                       patch.get_hatch() or ""))
    if len(bars) > 1:
        found += [(f"bars {c}", c, ("bar", hatch)) for c, hatch in bars]
    if len(boxes) > 1:
        found += [(f"boxes {c}", c, ("box", edge, hatch)) for c, edge, hatch in boxes]
    return found


def colormap_problems(axes) -> list[str]:
    """Colour scales (heatmaps, filled contours, coloured contour lines) whose order a
    colour-blind reader cannot read: a sequential map must keep its lightness (J' in
    CAM02-UCS) monotonic under each deficiency, so "more" reads as lighter or darker without
    hue; a diverging map must be monotonic on each side of its light middle, and its two
    ends must stay more than MIN_DELTA_E apart (which sign is which)."""
    out = []
    for ax in axes:
        for artist in [*ax.images, *ax.collections]:
            array = artist.get_array() if hasattr(artist, "get_array") else None
            if array is None or np.ndim(array) > 2 or artist.get_cmap() is None:
                continue  # RGB pictures (the class regions) are checked by their colours
            cmap = artist.get_cmap()
            colours = cmap(np.linspace(0, 1, 33))[:, :3]
            if np.ptp(colours, axis=0).max() < 1e-6:
                continue  # one colour (black contour lines): no scale to read
            for deficiency in (None, *DEFICIENCIES):
                light = colorspacious.cspace_convert(seen_as(colours, deficiency), "sRGB1",
                                                     "CAM02-UCS")[:, 0]
                steps = np.diff(light)
                if np.all(steps > 0) or np.all(steps < 0):
                    continue
                middle = int(np.argmax(light))
                sides = np.diff(light[:middle + 1]), np.diff(light[middle:])
                diverging = (0 < middle < len(light) - 1 and np.all(sides[0] > 0)
                             and np.all(sides[1] < 0))
                if not diverging or delta_e(colours[0], colours[-1]) <= MIN_DELTA_E:
                    out.append(f"{ax.get_title()!r}: colour map {cmap.name!r} does not read "
                               f"in order under {deficiency or 'normal vision'}")
    return out


def clashes(axes) -> list[str]:
    """Pairs of series on the same Axes that only colour tells apart, and too little."""
    out = []
    for ax in axes:
        # one series drawn twice (train and test points in the same class colours) is one
        drawn = list({(c, cue): (n, c, cue) for n, c, cue in series(ax)}.values())
        for (n1, c1, cue1), (n2, c2, cue2) in itertools.combinations(drawn, 2):
            if cue1 == cue2 and (d := delta_e(c1, c2)) <= MIN_DELTA_E:
                out.append(f"{ax.get_title()!r}: {n1!r} {c1} vs {n2!r} {c2}: ΔE {d:.1f}")
    return out


# ---- every bplab.viz plot -----------------------------------------------------------------
def _history(with_val=True, diverged=False):
    from bplab.train import History

    h = History(layer_names=["layer 1", "layer 2"])
    h.loss = list(np.linspace(1.0, 0.1, 20))
    h.grad_norms = [[0.1, 0.2] for _ in range(20)]
    if with_val:
        h.val_loss, h.val_steps = [0.9, 0.5, 0.3], [5, 10, 15]
    if diverged:
        h.diverged_at = 19
    return h


def _graph():
    import bplab as bp

    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    out = (a * b + a.tanh())
    out.backward()
    return out, a


def _model_and_data(classes=3):
    from bplab.nn import MLP

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.arange(60) % classes
    return MLP([2, 4, classes], "tanh", rng=0), X, y


def _calls():
    """Each viz plot, called on small inputs: name -> zero-argument call returning an Axes."""
    from bplab import viz

    bowl = lambda w1, w2: w1 ** 2 + 3 * w2 ** 2
    paths = {name: np.cumsum(np.full((6, 2), -0.1 * (k + 1)), axis=0) + 1.5
             for k, name in enumerate(("sgd", "momentum", "rmsprop", "adam"))}
    model, X, y = _model_and_data()
    rng = np.random.default_rng(1)
    return {
        "plot_tangent": lambda: viz.plot_tangent(np.sin, 0.5, np.cos(0.5)),
        "plot_difference_errors": lambda: viz.plot_difference_errors(np.sin, np.cos(1.0), 1.0),
        "plot_activations": lambda: viz.plot_activations(),
        "plot_activations'": lambda: viz.plot_activations(derivative=True),
        "plot_logistic_boundary": lambda: viz.plot_logistic_boundary(
            np.array([1.0, -1.0]), 0.1, X, (y > 0).astype(int)),
        "plot_gradient_check": lambda: viz.plot_gradient_check({"W1": 1e-9, "b1": 1e-3}),
        "plot_cost_scaling": lambda: viz.plot_cost_scaling(
            [10, 100, 1000], {"backprop": [1e-4, 1e-3, 1e-2], "numerical": [1e-3, 1e-1, 10],
                              "forward-mode": [1e-3, 1e-1, 9]}),
        "draw_graph": lambda: viz.draw_graph(_graph()[0], highlight=[_graph()[1]]),
        "plot_course_map": lambda: viz.plot_course_map(),
        "plot_network_diagram": lambda: viz.plot_network_diagram((3, 4, 4, 2)),
        "plot_landscape": lambda: viz.plot_landscape(
            bowl, xlim=(-2, 2), ylim=(-2, 2), path=paths["sgd"]),
        "plot_gradient_field": lambda: viz.plot_gradient_field(
            bowl, lambda a, b: (2 * a, 6 * b)),
        "plot_gradient_descent_1d": lambda: viz.plot_gradient_descent_1d(
            lambda w: w ** 2, lambda w: 2 * w, 1.5, 0.3, 8),
        "plot_optimizer_paths": lambda: viz.plot_optimizer_paths(
            bowl, paths, points={"minimum": (0.0, 0.0)}),
        "plot_loss_curve": lambda: viz.plot_loss_curve(_history()),
        "plot_grad_flow": lambda: viz.plot_grad_flow(_history()),
        "plot_grad_flow heatmap": lambda: viz.plot_grad_flow(_history(), kind="heatmap"),
        "plot_decision_boundary": lambda: viz.plot_decision_boundary(model, X, y),
        "plot_decision_boundary 4": lambda: viz.plot_decision_boundary(
            *_model_and_data(classes=4)),
        "plot_loss_comparison": lambda: viz.plot_loss_comparison(
            {"sgd": _history(), "momentum": _history(), "adam": _history(),
             "lr 10": _history(diverged=True)}),
        "plot_depth_profile": lambda: viz.plot_depth_profile(
            {"sigmoid": [1e-6, 1e-4, 1e-2], "tanh": [1e-2, 1e-2, 1e-2],
             "relu": [0.1, 0.1, 0.1], "relu, he": [0.3, 0.2, 0.3]}),
        "plot_digit_gallery": lambda: viz.plot_digit_gallery(
            rng.uniform(size=(6, 64)), np.arange(6), np.array([0, 1, 2, 4, 4, 5])),
        "plot_confusion_matrix": lambda: viz.plot_confusion_matrix(
            np.arange(30) % 3, (np.arange(30) * 7) % 3),
        "plot_gradient_variance": lambda: viz.plot_gradient_variance(
            [1, 4, 16, 64], [1.0, 0.26, 0.07, 0.02], 1.0),
        "plot_update_ratios": lambda: viz.plot_update_ratios(_update_ratios()),
        "plot_saturation": lambda: viz.plot_saturation(
            {"before": {"layer 1": 0.1, "layer 2": 0.3}, "after": {"layer 1": 0.0, "layer 2": 0.2},
             "tanh": {"layer 1": 0.05, "layer 2": 0.18}}),
        "plot_first_layer_weights": lambda: viz.plot_first_layer_weights(
            rng.normal(size=(64, 16)), count=16, ncols=8),
    }


def _update_ratios():
    """A recorder of update/weight ratios after a few real training steps (three layers)."""
    import bplab as bp
    from bplab import viz

    net = bp.MLP([2, 8, 8, 2], rng=0)
    X, y = bp.data.make_moons(64, rng=0)
    recorder = viz.UpdateRatios(net)
    bp.fit(net, X, y, optimizer=bp.SGD(0.1), epochs=2, batch_size=16, callback=recorder)
    return recorder


def test_every_viz_plot_is_called_here():
    from bplab import viz

    drawers = {n for n in viz.__all__ if n.startswith(("plot_", "draw_"))}
    assert drawers <= {name.split(" ")[0].rstrip("'") for name in _calls()}, \
        f"add these to _calls(): {sorted(drawers - set(_calls()))}"


@pytest.mark.parametrize("name", list(_calls()))
def test_viz_series_differ_by_more_than_colour_for_colour_blind_readers(name):
    ax = _calls()[name]()
    try:
        problems = clashes(ax.figure.axes) + colormap_problems(ax.figure.axes)
        assert not problems, "\n".join(problems)
    finally:
        import matplotlib.pyplot as plt

        plt.close(ax.figure)


def test_a_colour_clash_is_caught():
    """The checks can fail: two legend lines in tab:green and tab:orange of one style; a
    rainbow colour map ('jet') whose lightness goes up and down."""
    from bplab.labs.base import new_figure

    ax = new_figure(3, 2).subplots()
    ax.plot([0, 1], [0, 1], color="tab:green", label="a")
    ax.plot([0, 1], [1, 0], color="tab:orange", label="b")
    assert clashes([ax])
    ax.lines[1].set_linestyle("--")
    assert not clashes([ax])
    image = ax.imshow(np.arange(12.0).reshape(3, 4), cmap="jet")
    assert colormap_problems([ax])
    image.set_cmap("viridis")
    assert not colormap_problems([ax])


# ---- the labs' pictures and colours ----------------------------------------------------------
def test_class_colours_and_weight_signs_stay_apart():
    """The decision regions' class colours (up to 4 classes) and the network view's signs
    (positive vs negative weights and activations) carry meaning in colour alone."""
    from bplab.labs.network_view import NEGATIVE, POSITIVE
    from bplab.viz.training import CLASS_COLORS

    pairs = [(tuple(a), tuple(b)) for a, b in itertools.combinations(CLASS_COLORS, 2)]
    pairs.append((tuple(POSITIVE), tuple(NEGATIVE)))
    bad = [f"{a} vs {b}: ΔE {delta_e(a, b):.1f}" for a, b in pairs
           if delta_e(a, b) <= MIN_DELTA_E]
    assert not bad, "\n".join(bad)


def test_the_labs_pictures_keep_series_apart():
    """The playground (loss train vs test, class regions, gradient bars with a red bar that
    can't be drawn), the gradient-flow lab (its heatmap), the lr explorer and the backprop
    stepper, as drawn."""
    from bplab.labs import backprop_stepper, gradient_flow_lab, lr_explorer, playground

    pg = playground(n=60, resolution=12)
    pg.lr.value = 10.0  # a diverging run: red bars and the message, too
    for _ in range(3):
        pg.step()
    gf = gradient_flow_lab(steps=8)
    gf.depth.value, gf.activation.value, gf.init.value = 8, "sigmoid", "small"
    stepper = backprop_stepper(_graph()[0])
    stepper.step()
    found = []
    for lab in (pg, gf, lr_explorer(), stepper):
        found += clashes(lab.fig.axes) + colormap_problems(lab.fig.axes)
    assert not found, "\n".join(found)
