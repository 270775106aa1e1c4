"""The labs in bp.widgets, driven without a browser: set a control, check model and plots."""

import numpy as np
import pytest

import bplab as bp

pytest.importorskip("ipywidgets")


# ---- quiz -------------------------------------------------------------------------------
def test_quiz_says_right_and_explains():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 1
    assert q.check() is True
    assert "Right" in q.feedback.value and "Count them." in q.feedback.value


def test_quiz_says_wrong_and_names_the_answer():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 0
    assert q.check() is False
    assert "Not quite" in q.feedback.value and "<i>4</i>" in q.feedback.value


def test_quiz_check_button_runs_the_check():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1)
    q.choice.value = 1
    q.button.click()
    assert "Right" in q.feedback.value


def test_quiz_without_a_pick_asks_for_one():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=0)
    assert q.check() is None and "Pick an answer" in q.feedback.value


def test_quiz_displays_as_its_widget():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=0)
    bundle = q._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == q.widget.model_id


@pytest.mark.parametrize("options, answer, match", [
    (["only"], 0, "at least 2"), (["a", "b"], 2, "answer must be the index"),
    (["a", "b"], "a", "answer must be the index")])
def test_quiz_bad_arguments(options, answer, match):
    with pytest.raises(ValueError, match=match):
        bp.widgets.quiz("?", options, answer)


def test_render_png_changes_with_the_figure():
    from bplab.widgets import new_figure, render_png

    fig = new_figure(2, 2)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    before = render_png(fig)
    line.set_data([0, 1], [1, 0])
    after = render_png(fig)
    assert before[:8] == b"\x89PNG\r\n\x1a\n" and before != after
    assert np.all(np.asarray(line.get_ydata()) == [1, 0])
