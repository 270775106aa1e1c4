"""The labs in a real browser: JupyterLab runs the notebook, Chromium moves the sliders.

Screenshots land in artifacts/browser/ (git-ignored), to be looked at.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LESSON = "05_training_an_mlp.ipynb"  # the lesson with the playground cell


def _playground_lesson(jupyter_lab) -> str:
    lesson = jupyter_lab["root"] / LESSON
    assert lesson.exists(), f"notebooks/{LESSON} is missing"
    assert "bp.labs.playground(" in lesson.read_text(), \
        f"notebooks/{LESSON} has no bp.labs.playground() cell for this test to drive"
    return LESSON


def open_and_run_all(page, jupyter_lab, notebook: str) -> None:
    """Open ``notebook`` in JupyterLab, wait for an idle kernel, Run > Run All Cells.

    ``?reset`` starts from an empty workspace, so no tab from an earlier test is restored
    (its kernel status or Run All could otherwise be the wrong notebook's).
    """
    page.goto(f"{jupyter_lab['url']}/lab/tree/{notebook}?reset&token={jupyter_lab['token']}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    page.locator("#jp-MainMenu .lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


def output_with(page, *texts: str):
    """The first cell output that shows every one of ``texts``."""
    locator = page.locator(".jp-OutputArea-output")
    for text in texts:
        locator = locator.filter(has_text=text)
    return locator.first


def slider(output, label: str):
    """(input, readout) of the bplab slider labelled ``label`` inside ``output``: a native
    ``<input type="range">`` named by its ``<label>`` (bplab.labs.controls)."""
    box = output.locator(".bplab-slider").filter(
        has=output.page.locator("label", has_text=label)).first
    return box.locator('input[type="range"]').first, box.locator(".bplab-slider-readout").first


def move(page, handle, *keys: str) -> None:
    handle.focus()
    for key in keys:
        page.keyboard.press(key)


def wait_for_new_image(image, old_src: str) -> None:
    from playwright.sync_api import expect

    expect(image).not_to_have_attribute("src", old_src, timeout=60_000)


def _playground(page):
    """(output, image, readout) of the playground once its first picture is there."""
    from playwright.sync_api import expect

    lab = output_with(page, "hidden layers", "learning rate", "show every unit")
    image = lab.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    return lab, image, lab.locator(".widget-html").filter(has_text="network [").first


def test_playground_play_lr_during_the_run_and_pause(page, jupyter_lab, artifacts):
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, _playground_lesson(jupyter_lab))
    lab, image, summary = _playground(page)
    expect(summary).to_contain_text("epoch 0,")
    lab.screenshot(path=artifacts / "playground_0_start.png")

    lab.get_by_role("button", name="Play").click()
    seen = {image.get_attribute("src")}
    for _ in range(4):  # the picture changes several times while it plays
        wait_for_new_image(image, image.get_attribute("src"))
        seen.add(image.get_attribute("src"))
    assert len(seen) >= 5
    expect(summary).not_to_contain_text("epoch 0,")
    lab.screenshot(path=artifacts / "playground_1_playing.png")

    lr_handle, lr_readout = slider(lab, "learning rate")
    assert lr_handle.bounding_box()["width"] / 50 >= 5  # 50 steps, >= 5 px each: mouse-sized
    old_lr = lr_readout.inner_text()
    move(page, lr_handle, "ArrowLeft", "ArrowLeft", "ArrowLeft")
    expect(lr_readout).not_to_have_text(old_lr)
    new_lr = lr_readout.inner_text()
    # the running network got it (the slider writes 1.6e-2, Python 1.6e-02)
    expect(summary).to_contain_text(f"lr={float(new_lr):.1e}")
    wait_for_new_image(image, image.get_attribute("src"))  # and it still plays
    lab.screenshot(path=artifacts / "playground_2_new_lr.png")

    lab.get_by_role("button", name="Pause").click()
    expect(lab.get_by_role("button", name="Play")).to_be_visible()
    page.wait_for_timeout(700)  # a frame in flight when Pause was pressed may still land
    src, epochs = image.get_attribute("src"), summary.inner_text()
    page.wait_for_timeout(1500)
    assert image.get_attribute("src") == src and summary.inner_text() == epochs
    image.screenshot(path=artifacts / "playground_3_paused.png")

    depth_handle, depth_readout = slider(lab, "hidden layers")
    move(page, depth_handle, "End")
    wait_for_new_image(image, src)
    expect(depth_readout).to_have_text("8")
    expect(summary).to_contain_text("[2, 8, 8, 8, 8, 8, 8, 8, 8, 2]")
    src = image.get_attribute("src")
    lab.get_by_role("button", name="Step").click()
    wait_for_new_image(image, src)
    expect(summary).to_contain_text("epoch 1,")


def test_a_lesson_before_run_all_shows_pictures_not_widget_reprs(page, jupyter_lab, artifacts):
    """Lesson 05 as a fresh clone opens it: its lab and quiz outputs are saved pictures."""
    from playwright.sync_api import expect

    lesson = _playground_lesson(jupyter_lab)
    page.goto(f"{jupyter_lab['url']}/lab/tree/{lesson}?reset&token={jupyter_lab['token']}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    for call, name in (("bp.labs.playground()", "playground"), ('bp.labs.quiz("05")', "quiz")):
        cell = page.locator(".jp-CodeCell").filter(
            has=page.locator(".jp-InputArea", has_text=call)).first
        picture = cell.locator(".jp-OutputArea-output img").first
        expect(picture).to_be_visible(timeout=30_000)
        assert picture.evaluate("img => img.naturalWidth") > 300  # a real picture, decoded
        expect(cell.locator(".jp-OutputArea")).not_to_contain_text("VBox(")
        expect(cell.locator(".jp-OutputArea")).not_to_contain_text("Error displaying widget")
        picture.screenshot(path=artifacts / f"before_run_{name}.png")


def test_all_five_labs_render_and_respond(page, jupyter_lab, artifacts):
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, "labs_fixture.ipynb")
    quiz = output_with(page, "What does backward() compute")
    quiz.get_by_text("d(output)/d(node)").click()
    quiz.get_by_role("button", name="Check").click()
    expect(quiz).to_contain_text("Right.")
    quiz.screenshot(path=artifacts / "lab_quiz.png")

    stepper = page.locator(".jp-OutputArea-output").filter(
        has_text=re.compile(r"node \d+ of \d+")).first
    image = stepper.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    for _ in range(3):
        src = image.get_attribute("src")
        stepper.get_by_role("button", name="Step").click()
        wait_for_new_image(image, src)
    expect(stepper).to_contain_text("node 3 of 5")
    from bplab.labs.stepper import DPI, FONT_PT

    shown = image.evaluate("img => img.clientWidth / img.naturalWidth")
    assert FONT_PT * DPI / 72 * shown >= 11, f"graph text is {FONT_PT * DPI / 72 * shown:.1f} px"
    expect(stepper).to_contain_text("local derivative × upstream gradient")
    step = stepper.get_by_role("button", name="Step")
    for _ in range(2):  # to the last node, a: its grad comes through tanh and c = a * b
        step.click()
    expect(stepper).to_contain_text("node 5 of 5")
    expect(stepper).to_contain_text("1 - out**2")  # tanh's local derivative, as a formula
    expect(stepper).to_contain_text("The walk is over")
    expect(step).to_be_disabled()
    stepper.screenshot(path=artifacts / "lab_backprop_stepper.png")

    explorer = output_with(page, "learning rate", "steps", "1-D")
    image = explorer.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    src = image.get_attribute("src")
    lr_handle, _ = slider(explorer, "learning rate")
    move(page, lr_handle, "End")
    wait_for_new_image(image, src)
    expect(explorer).to_contain_text("diverging")
    explorer.screenshot(path=artifacts / "lab_lr_explorer.png")

    flow = output_with(page, "bars at step")
    image = flow.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    expect(flow).to_contain_text("healthy")  # relu, he init
    for position, choice in ((0, "sigmoid"), (1, "small")):  # activation, init
        src = image.get_attribute("src")
        flow.locator("select").nth(position).select_option(choice)
        wait_for_new_image(image, src)
    expect(flow).to_contain_text("vanishing")
    flow.screenshot(path=artifacts / "lab_gradient_flow.png")
    flow.get_by_role("button", name="Play").click()  # trains on: the heatmap grows
    for _ in range(2):
        src = image.get_attribute("src")
        wait_for_new_image(image, src)
    flow.get_by_role("button", name="Pause").click()
    expect(flow.get_by_role("button", name="Play")).to_be_visible()
    expect(flow).not_to_contain_text("step 0 of 60")

    playground = output_with(page, "hidden layers", "show every unit")
    image = playground.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    src, png = image.get_attribute("src"), image.screenshot()
    playground.get_by_role("button", name="Step").click()
    wait_for_new_image(image, src)
    assert image.screenshot() != png  # a training step redrew the views
    playground.screenshot(path=artifacts / "lab_playground.png")


def test_a_lesson_run_saved_and_reopened_shows_its_labs_not_model_not_found(
        page, jupyter_lab, artifacts):
    """Issue 14: a lesson run and saved, then reopened, showed "Error displaying widget:
    model not found" where each lab had been. `make lab` installs JupyterLab overrides
    (bplab/labs/overrides.json) that save the widgets' state with the notebook."""
    from playwright.sync_api import expect

    notebook = "labs_fixture.ipynb"
    open_and_run_all(page, jupyter_lab, notebook)
    images = page.locator(".jp-OutputArea-output img.widget-image")
    expect(images.first).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=120_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    saved = jupyter_lab["root"] / notebook
    for _ in range(60):
        if "application/vnd.jupyter.widget-state+json" in saved.read_text():
            break
        page.wait_for_timeout(500)
    assert "application/vnd.jupyter.widget-state+json" in saved.read_text(), \
        "saving did not store the widgets' state in the notebook"
    page.goto(f"{jupyter_lab['url']}/lab/tree/{notebook}?reset&token={jupyter_lab['token']}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    widget_images = page.locator(".jp-OutputArea-output img.widget-image")
    expect(widget_images.first).to_be_visible(timeout=60_000)   # the saved widgets, drawn
    expect(page.locator(".jp-Notebook")).not_to_contain_text("model not found")
    page.screenshot(path=artifacts / "reopened_after_save.png", full_page=True)


def _axe_clean(page, when: str) -> None:
    from tests.browser.axe import axe_violations, format_violations

    violations = axe_violations(page)
    assert not violations, f"{when}:\n{format_violations(violations)}"


def test_the_labs_and_quizzes_pass_axe_and_every_picture_says_what_it_shows(page, jupyter_lab):
    """axe-core's WCAG 2.1 A/AA rules on every lab's and quiz's output, 0 violations: once
    they have run, after a quiz's Check with no pick, a wrong pick and a right pick. Every
    slider is a native range input whose accessible name is its label (issue 14 §6)."""
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, "labs_fixture.ipynb")
    pictures = page.locator(".jp-OutputArea-output img.widget-image")
    expect(pictures.first).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=120_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    # the pictures arrive one by one after Run All; on a loaded machine the last ones may
    # still be on their way when the kernel turns idle
    visible = ".jp-OutputArea-output img.widget-image"
    page.wait_for_function(f"""() => [...document.querySelectorAll({visible!r})]
        .filter(i => i.offsetParent && i.title.length > 40).length >= 4""", timeout=120_000)
    titles = pictures.evaluate_all("imgs => imgs.filter(i => i.offsetParent).map(i => i.title)")
    assert len(titles) >= 4 and all(len(t) > 40 for t in titles), titles
    assert any("healthy" in t or "vanishing" in t or "exploding" in t for t in titles), titles
    outputs = page.locator(".jp-OutputArea-output")
    for name in ("learning rate", "steps", "hidden layers", "bars at step", "noise", "train %",
                 "batch size", "width", "L2 rate"):
        expect(outputs.get_by_role("slider", name=name).first).to_be_visible()
    sliders = outputs.get_by_role("slider")
    assert sliders.count() == 11, sliders.count()  # 2 + 2 + 7: lr explorer, flow, playground
    assert sliders.evaluate_all("els => els.every(el => el.labels.length === 1 && "
                                "el.labels[0].innerText.trim().length > 0)"), \
        "every slider is named by its own <label> (ids unique)"
    lr = outputs.get_by_role("slider", name="learning rate").first
    assert re.fullmatch(r"0\.1", lr.get_attribute("aria-valuetext")), \
        "a log slider must announce its value, not its exponent"
    _axe_clean(page, "after Run All, the quizzes unanswered")

    lesson_quiz = output_with(page, "Self-check quiz, lesson 05")
    lesson_quiz.get_by_role("button", name="Check").first.click()
    expect(lesson_quiz).to_contain_text("Pick an answer first")
    quiz = output_with(page, "What does backward() compute")
    quiz.get_by_text("its learning rate").click()
    quiz.get_by_role("button", name="Check").click()
    expect(quiz).to_contain_text("Not quite.")
    _axe_clean(page, "after Check with no pick and with a wrong pick")
    quiz.get_by_role("radio", name="d(output)/d(node)").check()  # the text is in the verdict too
    quiz.get_by_role("button", name="Check").click()
    expect(quiz).to_contain_text("Right.")
    _axe_clean(page, "after Check with the right pick")


def test_a_quiz_from_the_keyboard_alone(page, jupyter_lab):
    """Tab to the quiz's options, arrow keys pick one, Tab to Check, Enter judges it."""
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, "labs_fixture.ipynb")
    quiz = output_with(page, "What does backward() compute")
    expect(quiz.get_by_role("button", name="Check")).to_be_visible(timeout=90_000)
    # while Run All still runs the labs below, a widget holds its second change until the
    # kernel answers the first, and the Check click could overtake the pick
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    quiz.get_by_role("radio").first.focus()
    page.keyboard.press("Space")                 # the first option: "its value"
    page.keyboard.press("ArrowDown")             # the second: "d(output)/d(node)"
    expect(quiz.get_by_role("radio", name="d(output)/d(node)")).to_be_checked()
    # no pause: Check is part of the choice widget, so its press reaches the kernel after the
    # second pick, which ipywidgets holds until the kernel has answered the first
    _tab_to(page, "el.tagName === 'BUTTON' && el.innerText.trim() === 'Check'")
    page.keyboard.press("Enter")
    expect(quiz).to_contain_text("Right.")


def _tab_to(page, matches: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JS predicate ``matches`` (of el)."""
    for _ in range(limit):
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {matches}; }})()"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached an element where {matches}")


def test_the_playground_from_the_keyboard_alone(page, jupyter_lab, artifacts):
    """Tab from the playground's first control to Play, Enter plays, Enter pauses; Tab to a
    slider, the arrow keys change it; Tab to Step, Enter takes a step (no mouse)."""
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, "labs_fixture.ipynb")
    lab, image, summary = _playground(page)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    lab.locator("select").first.focus()        # where Tab from the cell above arrives
    _tab_to(page, "el.tagName === 'BUTTON' && el.innerText.trim() === 'Play'")
    page.keyboard.press("Enter")
    expect(lab.get_by_role("button", name="Pause")).to_be_visible()
    wait_for_new_image(image, image.get_attribute("src"))
    page.keyboard.press("Enter")                 # the same button, now Pause
    expect(lab.get_by_role("button", name="Play")).to_be_visible()
    page.wait_for_timeout(700)                   # a frame in flight may still land
    _, depth = slider(lab, "hidden layers")
    before = depth.inner_text()
    lab.locator("select").first.focus()
    _tab_to(page, "el.type === 'range' && el.labels[0].innerText.includes('hidden layers')")
    page.keyboard.press("ArrowRight")
    expect(depth).not_to_have_text(before)
    _tab_to(page, "el.tagName === 'BUTTON' && el.innerText.trim() === 'Step'")
    src = image.get_attribute("src")
    page.keyboard.press("Enter")
    wait_for_new_image(image, src)
    expect(summary).to_contain_text("epoch 1,")
    lab.screenshot(path=artifacts / "playground_keyboard_only.png")


def test_every_slider_is_reached_by_tab_and_moved_by_the_arrow_keys(page, jupyter_lab):
    """In each lab, Tab from its first control walks through all of its controls; every
    slider it reaches moves with ArrowRight (ArrowLeft at its maximum), and its announced
    value (aria-valuetext) follows. The 11 sliders of the three labs that have sliders."""
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, "labs_fixture.ipynb")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    reached = []
    for texts in (("learning rate", "steps", "1-D"), ("bars at step",),
                  ("hidden layers", "show every unit")):
        lab = output_with(page, *texts)
        lab.locator("input, select, button").first.focus()
        for _ in range(60):
            if not lab.evaluate("(out) => out.contains(document.activeElement)"):
                break
            focused = page.evaluate(
                "() => { const el = document.activeElement; return el.type === 'range' ? "
                "[el.labels[0].innerText, el.value === el.max] : null; }")
            if focused:
                name, at_max = focused
                handle = lab.get_by_role("slider", name=name)
                before = handle.get_attribute("aria-valuetext")
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                expect(handle).not_to_have_attribute("aria-valuetext", before)
                reached.append(name)
            page.keyboard.press("Tab")
    assert sorted(reached) == sorted(["learning rate", "steps", "hidden layers", "bars at step",
                                      "noise", "train %", "batch size", "hidden layers",
                                      "width", "learning rate", "L2 rate"]), reached

