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
    assert "bp.widgets.playground(" in lesson.read_text(), \
        f"notebooks/{LESSON} has no bp.widgets.playground() cell for this test to drive"
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
    """(handle, readout) of the ipywidgets slider labelled ``label`` inside ``output``."""
    box = output.locator(".widget-slider").filter(
        has=output.page.locator(".widget-label", has_text=label)).first
    return box.locator(".noUi-handle").first, box.locator(".widget-readout").first


def move(page, handle, *keys: str) -> None:
    handle.focus()
    for key in keys:
        page.keyboard.press(key)


def wait_for_new_image(image, old_src: str) -> None:
    from playwright.sync_api import expect

    expect(image).not_to_have_attribute("src", old_src, timeout=60_000)


def test_playground_sliders_retrain_and_redraw(page, jupyter_lab, artifacts):
    from playwright.sync_api import expect

    open_and_run_all(page, jupyter_lab, _playground_lesson(jupyter_lab))
    lab = output_with(page, "hidden layers", "learning rate", "Train")
    image = lab.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    summary = lab.locator(".widget-html").filter(has_text="network [").first
    lab.screenshot(path=artifacts / "playground_0_start.png")
    lr_handle, lr_readout = slider(lab, "learning rate")
    before = {"lr": lr_readout.inner_text(), "summary": summary.inner_text(),
              "src": image.get_attribute("src"), "png": image.screenshot()}

    move(page, lr_handle, "ArrowRight", "ArrowRight", "ArrowRight")
    wait_for_new_image(image, before["src"])
    expect(lr_readout).not_to_have_text(before["lr"])
    expect(summary).not_to_have_text(before["summary"])
    lab.screenshot(path=artifacts / "playground_1_lr.png")
    assert image.screenshot() != before["png"]  # the pixels changed, not only the URL

    depth_handle, depth_readout = slider(lab, "hidden layers")
    src, png = image.get_attribute("src"), image.screenshot()
    move(page, depth_handle, "End")
    wait_for_new_image(image, src)
    expect(depth_readout).to_have_text("8")
    expect(summary).to_contain_text("[2, 8, 8, 8, 8, 8, 8, 8, 8, 2]")
    lab.screenshot(path=artifacts / "playground_2_depth.png")
    assert image.screenshot() != png  # the depth change itself redrew (8 gradient bars)

    src = image.get_attribute("src")
    lab.get_by_role("button", name="Step").click()
    wait_for_new_image(image, src)
    expect(summary).to_contain_text("epoch 1,")
    lab.screenshot(path=artifacts / "playground_3_step.png")


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
    expect(stepper).to_contain_text("local derivative × upstream gradient")
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

    playground = output_with(page, "hidden layers", "Train")
    image = playground.locator("img.widget-image").first
    expect(image).to_have_attribute("src", re.compile(r"^blob:|^data:"), timeout=90_000)
    src, png = image.get_attribute("src"), image.screenshot()
    playground.get_by_role("button", name="Step").click()
    wait_for_new_image(image, src)
    assert image.screenshot() != png  # a training step redrew the views
    playground.screenshot(path=artifacts / "lab_playground.png")
