"""JupyterHub: nbgitpuller links that hand out the course, and a named Jupyter kernel.

An nbgitpuller link makes the hub clone (the first time) or merge (every later time) a git
repository into the learner's home directory, then open a path in it:

    https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fbp
        &branch=main&urlpath=lab%2Ftree%2Fbp%2Fnotebooks%2F05_training_an_mlp.ipynb

``urlpath`` is relative to the learner's home: ``lab/tree/<repo folder>/<path>``, where the
repo folder is the last part of the repository URL (nbgitpuller's default target).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode, urlsplit

from . import ClassroomError

__all__ = ["KERNEL_DISPLAY_NAME", "KERNEL_NAME", "hub_link", "install_kernel", "repo_folder"]

KERNEL_NAME = "bplab"
KERNEL_DISPLAY_NAME = "Python (bplab)"


def _checked_url(url: str, what: str) -> str:
    """``url`` without a trailing slash; ClassroomError when it has no http(s) scheme."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ClassroomError(f"{what} must be a full URL starting with https:// (or http://), "
                             f"got {url!r}: try https://{url.split('://')[-1]}")
    return url.rstrip("/")


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: ``https://x/o/bplab.git`` -> ``bplab``."""
    name = PurePosixPath(urlsplit(repo).path.rstrip("/")).name
    return name.removesuffix(".git")


def _checked_path(path: str) -> str:
    """A path inside the repository, in POSIX form; ClassroomError when it leaves it."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ClassroomError(f"--path must be a path inside the repository, like "
                             f"notebooks/05_training_an_mlp.ipynb, got {path!r}")
    return str(pure)


def hub_link(hub: str, repo: str, branch: str = "main", path: str | None = None,
             app: str = "lab") -> str:
    """The nbgitpuller link that pulls ``repo`` (at ``branch``) into a learner's home on
    ``hub`` and opens ``path`` in JupyterLab (``app="lab"``) or the notebook UI ("tree").

    >>> hub_link("https://hub.example.edu", "https://github.com/o/bplab", "main",
    ...          "notebooks/00_welcome.ipynb")  # doctest: +ELLIPSIS
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=...&urlpath=lab%2Ftree%2Fbplab...'
    """
    hub, repo = _checked_url(hub, "--hub"), _checked_url(repo, "--repo")
    if not branch or any(c.isspace() for c in branch):
        raise ClassroomError(f"--branch must be a branch name, got {branch!r}")
    if app not in ("lab", "tree"):
        raise ClassroomError(f"app must be 'lab' or 'tree', got {app!r}")
    folder = repo_folder(repo)
    target = f"{app}/tree/{folder}" + (f"/{_checked_path(path)}" if path else "")
    query = urlencode({"repo": repo, "branch": branch, "urlpath": target}, quote_via=quote,
                      safe="")
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def install_kernel(prefix: str | Path | None = None, user: bool = False,
                   python: str = sys.executable, name: str = KERNEL_NAME,
                   display_name: str = KERNEL_DISPLAY_NAME) -> dict:
    """Register ``python`` as the Jupyter kernel ``name`` and return its kernel.json.

    The same as ``python -m ipykernel install --user --name bplab --display-name
    "Python (bplab)"`` (``user=True``), or into ``prefix``/share/jupyter/kernels/.
    """
    command = [python, "-m", "ipykernel", "install", "--name", name,
               "--display-name", display_name]
    if prefix is not None:
        command += ["--prefix", str(prefix)]
    elif user:
        command += ["--user"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ClassroomError(f"ipykernel install failed: {done.stderr.strip()[-300:]}")
    # ipykernel prints "Installed kernelspec bplab in /path/to/kernels/bplab"
    folder = Path(done.stdout.strip().rsplit(" in ", 1)[-1])
    return json.loads((folder / "kernel.json").read_text())
