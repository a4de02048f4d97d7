"""What CONTRIBUTING promises, checked on every run: ruff's rules and formatter, mypy, the import
contracts (pyproject.toml), and the conventions a linter cannot state."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVICES = sorted((ROOT / "services").glob("*/rtw_*"))


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"], ["lint-imports"]],
    ids=["ruff", "format", "mypy", "import-contracts"],
)
def test_the_linters_pass(command):
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def attributes_named(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == name]


@pytest.mark.parametrize(
    "router",
    [*sorted(ROOT.glob("services/*/rtw_*/*/router.py")), ROOT / "shared/rtw_shared/audit/api.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_routers_never_touch_the_session(router):
    assert attributes_named(router, "session") == [], "a router hands the Unit of Work to a service function"


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.parent.name)
def test_no_service_keeps_a_hand_written_list_of_handlers(service):
    assert not (service / "handlers.py").exists(), "handlers are declared by class (@handles) and collected"


def test_no_docstring_cites_a_document_outside_the_repository():
    citing = [
        str(p.relative_to(ROOT))
        for p in [
            *ROOT.glob("services/**/*.py"),
            *ROOT.glob("shared/**/*.py"),
            *ROOT.glob("deploy/**/*.py"),
            *ROOT.glob("tests/**/*.py"),
            *ROOT.glob("bench/*.py"),
        ]
        if ("product.md" in (text := p.read_text()) or "architecture.md" in text or "shared/spec" in text)
        and p.name != "test_conventions.py"
    ]
    assert citing == [], "cite docs/ (inside the repository) instead"
