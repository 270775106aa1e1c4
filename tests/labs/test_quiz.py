"""bp.labs.quiz: single questions, lesson quizzes from quizzes/NN.json, their pictures."""

import base64
import importlib
import json

import pytest

pytest.importorskip("ipywidgets")

from bplab import labs
from bplab.labs.quiz import QUIZ_DIR, Question, Quiz, load_questions

LESSONS = sorted(p.stem for p in QUIZ_DIR.glob("*.json"))


def test_question_says_right_and_explains():
    q = labs.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 1
    assert q.check() is True
    assert "Right" in q.feedback.value and "Count them." in q.feedback.value


def test_question_says_wrong_and_names_the_answer():
    q = labs.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 0
    assert q.check() is False
    assert "Not quite" in q.feedback.value and "<i>4</i>" in q.feedback.value


def test_check_button_runs_the_check_and_asks_for_a_pick():
    q = labs.quiz("2 + 2?", ["3", "4"], answer=1)
    q.button.click()
    assert "Pick an answer" in q.feedback.value
    q.choice.value = 1
    q.button.click()
    assert "Right" in q.feedback.value


@pytest.mark.parametrize("options, answer, match", [
    (["only"], 0, "at least 2"), (["a", "b"], 2, "answer must be the index"),
    (["a", "b"], "a", "answer must be the index"), (["a", "b"], None, "needs both")])
def test_bad_arguments(options, answer, match):
    with pytest.raises(ValueError, match=match):
        labs.quiz("?", options, answer)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_quiz_loads_and_checks(lesson):
    quiz = labs.quiz(lesson)
    items = json.loads((QUIZ_DIR / f"{lesson}.json").read_text(encoding="utf-8"))
    assert isinstance(quiz, Quiz) and len(quiz.questions) == len(items) >= 2
    for question, item in zip(quiz.questions, items):
        assert question.question == item["question"] and question.options == item["options"]
        question.choice.value = item["answer"]
        assert question.check() is True
        question.choice.value = (item["answer"] + 1) % len(item["options"])
        assert question.check() is False


def test_a_lesson_number_may_be_an_int():
    assert [q.question for q in labs.quiz(7).questions] == \
        [q.question for q in labs.quiz("07").questions]


def test_unknown_lesson_and_bad_text_name_what_exists():
    with pytest.raises(ValueError, match=r"no quiz for lesson '42'; expected one of \['00'"):
        labs.quiz("42")
    with pytest.raises(ValueError, match="lesson number like '07'"):
        labs.quiz("What is 2 + 2?")


def test_a_malformed_quiz_file_is_named(tmp_path, monkeypatch):
    module = importlib.import_module("bplab.labs.quiz")  # bplab.labs.quiz is the function
    monkeypatch.setattr(module, "QUIZ_DIR", tmp_path)
    (tmp_path / "98.json").write_text(json.dumps([{"question": "q", "options": ["a", "b"]}]))
    with pytest.raises(ValueError, match="98.json item 0 must have the keys"):
        load_questions("98")


def test_quiz_bundle_has_widget_and_a_picture_without_the_answer():
    quiz = labs.quiz("07")
    bundle = quiz._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == quiz.widget.model_id
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    assert "open this notebook in jupyterlab" in bundle["text/plain"].lower()
    assert "answer" not in bundle["text/plain"]


def test_single_question_picture():
    png = Question("2 + 2?", ["3", "4"], 1).snapshot_png()
    assert png[:4] == b"\x89PNG"
