"""Adding a webhook kind is one row plus one processor (issue 10): ``new_kind_example.DIFF``
applied to a copy of the tree, then every derived place is checked in a fresh interpreter
(``new_kind_example.check``), so lists built at import see the row as after a commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.webhooks import new_kind_example

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache", "*.png"
)


def _patched_copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=SKIP)
    (tmp_path / "new_kind.diff").write_text(new_kind_example.DIFF)
    applied = subprocess.run(
        ["git", "apply", "--directory=", "-p1", str(tmp_path / "new_kind.diff")],
        cwd=tree, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert applied.returncode == 0, (
        "new_kind_example.DIFF no longer applies (regenerate it, see its docstring): "
        + applied.stderr
    )
    return tree


def test_one_row_and_one_processor_reach_every_derived_place(tmp_path):
    tree = _patched_copy(tmp_path)
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The outer test's database (migrated, empty); the check rolls back what it writes.
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}",
    }
    script = "from tests.webhooks.new_kind_example import check; check()"
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-8000:]
    assert "every derived place picked it up" in run.stdout


def test_the_diff_is_one_row_one_model_one_processor():
    added = [
        line[1:].strip()
        for line in new_kind_example.DIFF.splitlines()
        if line.startswith("+") and not line.startswith("+++") and line[1:].strip()
    ]
    files = [line.split(" b/")[-1] for line in new_kind_example.DIFF.splitlines()
             if line.startswith("diff --git")]  # fmt: skip
    assert files == ["webhooks/processors.py", "zapi/events/callbacks.py", "zapi/events/kinds.py"]
    assert sum("WebhookKind(" in line for line in added) == 1
    assert len(added) <= 12
