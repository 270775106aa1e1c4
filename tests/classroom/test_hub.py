"""JupyterHub: the nbgitpuller link format, and the named kernel the hub path registers."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bplab.classroom import ClassroomError
from bplab.classroom.hub import KERNEL_DISPLAY_NAME, hub_link, install_kernel, repo_folder

REPO = "https://github.com/example/bplab-release.git"
REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_link_has_nbgitpullers_endpoint_and_parameters():
    link = hub_link("https://hub.example.edu/", REPO, "spring-2027",
                    "notebooks/05_training_an_mlp.ipynb")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {"repo": [REPO], "branch": ["spring-2027"],
                     "urlpath": ["lab/tree/bplab-release/notebooks/05_training_an_mlp.ipynb"]}
    assert "%2F" in parts.query and " " not in link   # every value percent-encoded


def test_a_hub_under_a_prefix_and_no_path_opens_the_repo_folder():
    link = hub_link("https://uni.example/jupyter", "https://gitlab.example/t/course", "main")
    assert link.startswith("https://uni.example/jupyter/hub/user-redirect/git-pull?")
    assert parse_qs(urlsplit(link).query)["urlpath"] == ["lab/tree/course"]


def test_repo_folder_drops_dot_git_and_trailing_slashes():
    assert repo_folder("https://github.com/o/bplab.git") == "bplab"
    assert repo_folder("https://github.com/o/bplab/") == "bplab"


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://"])
def test_a_hub_without_a_scheme_is_one_line_saying_what_to_write(hub):
    with pytest.raises(ClassroomError) as err:
        hub_link(hub, REPO)
    assert "https://" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("path", ["/etc/passwd", "../other/x.ipynb", ""])
def test_a_path_outside_the_repository_is_refused(path):
    with pytest.raises(ClassroomError, match="--path"):
        hub_link("https://hub.example.edu", REPO, "main", path or ".")


def test_the_cli_prints_the_link_and_exits_2_on_a_bad_hub(capsys):
    from bplab.classroom.cli import main
    assert main(["hub-link", "--hub", "https://h.example", "--repo", REPO,
                 "--path", "notebooks/00_welcome.ipynb"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == hub_link("https://h.example", REPO, "main", "notebooks/00_welcome.ipynb")
    assert main(["hub-link", "--hub", "h.example", "--repo", REPO]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --hub must be a full URL")


def test_the_named_kernel_installs_into_a_prefix_and_jupyter_finds_it(tmp_path):
    spec = install_kernel(prefix=tmp_path)
    assert spec["display_name"] == KERNEL_DISPLAY_NAME
    assert spec["argv"][0] == sys.executable and "ipykernel_launcher" in spec["argv"]
    kernel_json = tmp_path / "share" / "jupyter" / "kernels" / "bplab" / "kernel.json"
    assert json.loads(kernel_json.read_text()) == spec
    env = dict(os.environ, JUPYTER_PATH=str(tmp_path / "share" / "jupyter"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"))
    listed = subprocess.run([sys.executable, "-m", "jupyter_client.kernelspecapp", "list",
                             "--json"], env=env, capture_output=True, text=True, check=True)
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert specs["bplab"]["spec"]["display_name"] == KERNEL_DISPLAY_NAME


def _documented_kernel_command() -> list[str]:
    """The ipykernel command the README's hub path tells learners to run."""
    readme = (REPO_ROOT / "README.md").read_text()
    hub = readme[readme.index("On a JupyterHub"):readme.index("## The course")]
    line = re.search(r"`(\S*python -m ipykernel install [^`]+)`", hub).group(1)
    return shlex.split(line)


def test_the_readmes_kernel_command_registers_python_bplab(tmp_path):
    command = _documented_kernel_command()
    assert command[1:4] == ["-m", "ipykernel", "install"] and "--user" in command
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path))
    subprocess.run([sys.executable, *command[1:]], env=env, check=True, capture_output=True)
    spec = json.loads((tmp_path / "kernels" / "bplab" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["display_name"] == KERNEL_DISPLAY_NAME
    assert KERNEL_DISPLAY_NAME in (REPO_ROOT / "docs" / "teaching.md").read_text()


def _course_source(tmp_path: Path) -> Path:
    """The student release when this checkout can build one, else a copy of what the
    repository installs from (pip builds in the source folder: never in the checkout)."""
    release = tmp_path / "release"
    done = subprocess.run([sys.executable, "-m", "bplab", "release", str(release)],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return release
    course = tmp_path / "course"
    shutil.copytree(REPO_ROOT / "bplab", course / "bplab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "notebooks", course / "notebooks")
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy(REPO_ROOT / name, course / name)
    return course


@pytest.mark.slow
def test_the_course_installs_into_a_fresh_venv_as_a_hub_image_would(tmp_path):
    """requirements.txt, then the package, into a new venv (this machine's package index);
    the named kernel registered there; lesson 00 runs in that kernel."""
    from bplab.classroom.gradescope import grader_requirements

    source = _course_source(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    requirements = source / "requirements.txt"
    if source.name == "course":   # no release yet: what the course imports, same pins
        requirements = tmp_path / "requirements.txt"
        requirements.write_text(grader_requirements())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for args in (["-r", str(requirements)], ["--no-deps", str(source)]):
        done = subprocess.run([python, "-m", "pip", "install", "--quiet", *args], env=env,
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
    subprocess.run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "bplab",
                    "--display-name", KERNEL_DISPLAY_NAME], env=env, check=True,
                   capture_output=True, cwd=tmp_path)
    lesson = source / "notebooks" / "00_welcome.ipynb"
    run = ("import nbformat, nbclient, sys; nb = nbformat.read(sys.argv[1], 4); "
           "nbclient.NotebookClient(nb, kernel_name='bplab', timeout=300).execute(); "
           "import bplab; print(bplab.__file__)")
    done = subprocess.run([python, "-c", run, str(lesson)], env=dict(env, MPLBACKEND="Agg"),
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().startswith(str(venv))
