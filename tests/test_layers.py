"""The layering of blog/ (see the README's map), as import-linter's contracts in pyproject.toml state it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# In a process of its own: import-linter configures logging for the whole process it runs in.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def test_every_layering_contract_is_kept() -> None:
    result = subprocess.run([sys.executable, "-c", LINT], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
