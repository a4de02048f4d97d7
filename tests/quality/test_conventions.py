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


# --- consent: decided by rtw_shared.access alone (our lint_org_scope) ---------------------------------
CONSENT_FLAGS = frozenset({"share_restrictions_with_employer", "share_status_with_insurer"})
# The decision itself, and the one module that moves flags without deciding on them: the copy of a
# snapshot's consents onto a case copy (and into what access decides on).
CONSENT_CARRIERS = ("shared/rtw_shared/access.py", "shared/rtw_shared/case_copy.py")


def consent_reads(source: str) -> list[int]:
    """Lines reading a consent flag: as an attribute (`case.share_…`, `CaseCopy.share_….is_(True)`), by
    name (`getattr(x, "share_…")`, `x["share_…"]`, `x.get("share_…")`), or through access's own table."""

    def flag(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in CONSENT_FLAGS

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            if node.attr in CONSENT_FLAGS or node.attr == "CONSENT_NEEDED":
                lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and flag(node.slice):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and any(flag(arg) for arg in node.args):
            named = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if named in ("getattr", "get", "pop"):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "CONSENT_NEEDED" for alias in node.names):
            lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize(
    "source",
    [
        "if case.share_status_with_insurer:\n    tell()",
        "query.where(CaseCopy.share_restrictions_with_employer.is_(True))",
        "shared = getattr(case, 'share_restrictions_with_employer')",
        "shared = snapshot['share_status_with_insurer']",
        "regranted = changed.get('share_restrictions_with_employer')",
        "shared = getattr(case, access.CONSENT_NEEDED['employer', Part.RESTRICTIONS])",
    ],
)
def test_the_consent_check_finds_a_hand_made_decision(source):
    assert consent_reads(source) == [1]


def test_consent_is_decided_by_rtw_shared_access_alone():
    """Whether a reader may see a part of a case is `access.may_see`/`visible`/`sql_condition` (or the
    role view built on them); nothing else reads a consent flag to decide (docs/domain/access.md)."""
    production = [
        *ROOT.glob("services/*/rtw_*/**/*.py"),
        *ROOT.glob("shared/rtw_shared/**/*.py"),
    ]
    offenders = {
        str(relative): lines
        for path in production
        if "migrations" not in path.parts
        and not str(relative := path.relative_to(ROOT)).startswith(CONSENT_CARRIERS)
        and (lines := consent_reads(path.read_text()))
    }
    assert offenders == {}, "ask rtw_shared.access (may_see / party / sql_condition) instead of reading consents"
