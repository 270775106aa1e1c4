"""bplab.viz.graphs: the Value graph drawing, the network diagram, the course map."""

import matplotlib
import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pytest

import bplab as bp


def _small_graph():
    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = c + a.tanh()
    out.label = "out"
    out.backward()
    return a, b, c, out


def _box_texts(ax):
    return [t.get_text() for t in ax.texts if "\n" in t.get_text()]


def test_draw_graph_shows_every_node_with_data_and_grad():
    a, _, _, out = _small_graph()
    ax = bp.viz.draw_graph(out)
    texts = _box_texts(ax)
    assert len(texts) == 5  # a, b, c, tanh(a), out
    assert f"a = 2\ngrad {a.grad:.4g}" in texts
    assert "c = -6\ngrad 1" in texts
    ops = sorted(t.get_text() for t in ax.texts if t.get_text() and "\n" not in t.get_text())
    assert ops == ["*", "+", "tanh"]


def test_draw_graph_highlights_and_hides_unknown_grads():
    _, _, c, out = _small_graph()
    ax = bp.viz.draw_graph(out, highlight=c, known_grads=[out])
    by_text = {t.get_text(): t for t in ax.texts}
    assert by_text["c = -6\ngrad ?"].get_bbox_patch().get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb("#ffe066"))
    assert "out = -5.036\ngrad 1" in by_text


def test_draw_graph_rejects_non_values_and_huge_graphs():
    with pytest.raises(TypeError, match="bp.Value"):
        bp.viz.draw_graph(3.0)
    x = bp.Value(1.0)
    for _ in range(50):
        x = x * 1.0
    with pytest.raises(ValueError, match="max_nodes"):
        bp.viz.draw_graph(x)


def test_draw_graph_labels_override_names():
    a = bp.Value(1.5, label="a")
    t = a.tanh()
    ax = bp.viz.draw_graph(t, labels={t: "t"}, show_grad=False)
    assert sorted(x.get_text() for x in ax.texts if "=" in x.get_text()) == [
        "a = 1.5", f"t = {np.tanh(1.5):.4g}"]


@pytest.mark.parametrize("draw", [
    lambda ax: bp.viz.plot_course_map(ax=ax),
    lambda ax: bp.viz.plot_network_diagram((2, 3, 1), ax=ax),
])
def test_plots_draw_on_the_given_axes(draw):
    _fig, ax = plt.subplots()
    assert draw(ax) is ax
    assert ax.lines or ax.collections or ax.patches


def test_plot_network_diagram_rejects_one_layer():
    with pytest.raises(ValueError, match="sizes must have"):
        bp.viz.plot_network_diagram((3,))


def test_course_map_draws_every_lesson_of_bplab_course_with_its_exercise():
    from bplab.course import LESSONS, exercises, lessons

    ax = bp.viz.plot_course_map()
    texts = [t.get_text() for t in ax.texts]
    assert [t for t in texts if t in {lesson.number for lesson in LESSONS}] == [
        lesson.number for lesson in LESSONS]
    assert [t for t in texts if t.startswith("ex")] == [e[:4] for e in exercises()]
    assert f"{len(lessons())} lessons" in ax.get_title()
    assert f"{len(exercises())} exercises" in ax.get_title()
    plt.close(ax.figure)
