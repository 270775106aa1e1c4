"""JupyterHub: the nbgitpuller link format, and the named kernel the hub path registers."""

import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from bplab.classroom import ClassroomError
from bplab.classroom.hub import KERNEL_DISPLAY_NAME, hub_link, install_kernel, repo_folder

REPO = "https://github.com/example/bplab-release.git"


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


def test_the_documented_user_install_writes_into_jupyter_data_dir(tmp_path):
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name", "bplab",
                    "--display-name", KERNEL_DISPLAY_NAME], env=env, check=True,
                   capture_output=True)
    spec = json.loads((tmp_path / "kernels" / "bplab" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
