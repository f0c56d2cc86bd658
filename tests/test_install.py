"""The README's commands, as written there, work on a system Python that refuses `pip install`.

Debian's and Ubuntu's Python carry PEP 668's EXTERNALLY-MANAGED marker, so the README's first
command must bring its own virtual environment. It is run here from a copy of the source tree
(what a fresh clone holds) with Debian's own `python3` first on PATH; `.ci/run` installs its
`venv` module where it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import RunVault
from .required import missing

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3")
_NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis",
    "index.sqlite*", "calendar.ics", "edit.lock", "Informational Interviews.md",
)  # fmt: skip


def readme_commands() -> list[str]:
    """The lines of the README's first shell block: install and try, then test."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def marked_system_python() -> Path:
    """Debian's python3, which has the EXTERNALLY-MANAGED marker in its standard library."""
    probe = (
        "import sys, sysconfig; print(sysconfig.get_path('stdlib'), sys.version_info >= (3, 11))"
    )
    if SYSTEM_PYTHON.exists():
        found = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, text=True)
        stdlib, recent = found.stdout.split()
        if recent == "True" and (Path(stdlib) / "EXTERNALLY-MANAGED").is_file():
            return SYSTEM_PYTHON
    missing(f"no {SYSTEM_PYTHON} of 3.11+ with PEP 668's marker on this machine")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    copy = tmp_path / "vaulttools"
    shutil.copytree(ROOT, copy, ignore=_NOT_IN_A_CLONE)
    return copy


def shell(command: str, cwd: Path, python: Path) -> subprocess.CompletedProcess[str]:
    """`command` in bash, with `python3` meaning the system's Python and no venv active."""
    bin_dir = cwd / ".system-bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python3").unlink(missing_ok=True)
    (bin_dir / "python3").symlink_to(python)
    env = {
        key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "VAULT_DIR")
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_first_command_installs_and_runs_on_an_externally_managed_python(
    clone: Path, run: RunVault
) -> None:
    python = marked_system_python()
    refused = shell("python3 -m pip install --dry-run --no-deps .", clone, python)
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stderr  # the trap the README avoids

    result = shell(readme_commands()[0], clone, python)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (clone / ".venv" / "bin" / "vault").is_file()
    listed = run("--vault", clone / "examples" / "vault", "followups", "--json")
    ids = [item["id"] for item in json.loads(listed.output)]
    assert ids and all(followup_id in result.stdout for followup_id in ids), result.stdout


def test_ci_runs_the_readme_test_command() -> None:
    install_and_try, test = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines
    assert "python3 -m venv .venv" in ci_lines and install_and_try.startswith(
        "python3 -m venv .venv"
    )
