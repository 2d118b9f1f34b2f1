"""Scripts run on the embedded defaults (SQLite under a fresh ``VAR_DIR``, the filesystem
broker, no Redis) in a fresh interpreter: what ``manage.py up`` runs on a new machine, away
from the test run's PostgreSQL and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "VAR_DIR")}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.dev")
    return env


def embedded_run(script: str, var_dir: Path, *, timeout: float = 300) -> str:
    """The script's output (it must exit 0; its stderr is the failure's message)."""
    out = subprocess.run(
        [sys.executable, "-c", script], env=embedded_env(var_dir), capture_output=True,
        text=True, timeout=timeout, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def embedded_lines(script: str, var_dir: Path, *, timeout: float = 300) -> dict[str, str]:
    """The script's output lines as ``name value`` pairs."""
    output = embedded_run(script, var_dir, timeout=timeout)
    return dict(line.split(" ", 1) for line in output.splitlines())
