"""What CONTRIBUTING promises, checked on every run: ruff's rules and formatter, mypy, the import
contracts (pyproject.toml), and the conventions a linter cannot state."""

from __future__ import annotations

import ast
import re
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


# --- time: no test pins "now" to a calendar date ----------------------------------------------------
# A test that says "now is 2026-12-01" passes until that day has gone by, then fails for everyone
# (it happened: the webhook sender's test clock began on a fixed date). Tests build their times from
# the clock they control (`clock` fixture, `ManualClock`, `system.move_clock`), which starts at the
# real time. Fixed dates stay fine as data (a birth date, a worked example's therapy start).
NOW_NAMES = re.compile(r"^(now|today)$|_(now|today)$|^(now|today)_", re.IGNORECASE)
NOW_KEYWORDS = frozenset({"now", "today", "as_of", "at", "clock"})
NOW_FUNCTIONS = frozenset({"fire", "fire_due", "send_due_once", "ManualClock", "move_clock", "set_offset"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
TEST_FILES = sorted(
    p
    for pattern in (
        "services/*/tests/**/*.py",
        "shared/tests/**/*.py",
        "deploy/devstack/tests/**/*.py",
        "tests/**/*.py",
    )
    for p in ROOT.glob(pattern)
)


def _is_calendar_literal(node: ast.AST, dated_names: set[str]) -> bool:
    """`date(2026, …)`, `datetime(2026, …)`, an ISO date string, or a module name bound to one."""
    if isinstance(node, ast.Call):
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0] if node.args else None
        return called in {"date", "datetime"} and isinstance(first, ast.Constant) and isinstance(first.value, int)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(ISO_DATE.match(node.value))
    return isinstance(node, ast.Name) and node.id in dated_names


def _contains_calendar_literal(node: ast.AST, dated_names: set[str]) -> bool:
    return any(_is_calendar_literal(child, dated_names) for child in ast.walk(node))


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Tuple):
        return [name for element in target.elts for name in _target_names(element)]
    return []


def calendar_nows(path: Path) -> list[str]:
    """Where `path` gives a calendar date as "now": assigned to a now/today name or attribute, passed
    as `now=`/`today=`/`as_of=`/`at=`/`clock=`, or to a function that fires or sets a clock."""
    tree = ast.parse(path.read_text(), filename=str(path))
    dated_names = {
        name
        for node in tree.body
        if isinstance(node, ast.Assign) and _contains_calendar_literal(node.value, set())
        for target in node.targets
        for name in _target_names(target)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _contains_calendar_literal(node.value, dated_names):
            if any(NOW_NAMES.search(name) for target in node.targets for name in _target_names(target)):
                found.append(f"{path}:{node.lineno}")
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            arguments = [*(node.args if called in NOW_FUNCTIONS else [])]
            arguments += [k.value for k in node.keywords if k.arg in NOW_KEYWORDS]
            if any(_contains_calendar_literal(a, dated_names) for a in arguments):
                found.append(f"{path}:{node.lineno}")
    return found


def test_no_test_pins_now_to_a_calendar_date():
    pinned = [where for path in TEST_FILES for where in calendar_nows(path)]
    assert pinned == [], "build times from the test's clock (the `clock` fixture, ManualClock), not a calendar date"


def test_the_calendar_check_finds_the_time_bomb_it_was_written_for(tmp_path):
    bomb = tmp_path / "test_pinned_clock.py"
    bomb.write_text(
        "from datetime import UTC, datetime\n"
        "START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)\n"
        "class Clock:\n"
        "    def __init__(self):\n"
        "        self.now = START\n"
        "def test(fire):\n"
        "    fire(datetime(2027, 1, 1, tzinfo=UTC))\n"
        "    report(as_of='2026-12-04')\n"
    )
    assert [w.rsplit(":", 1)[1] for w in calendar_nows(bomb)] == ["5", "7", "8"]


# --- the trace CONTRIBUTING promises -------------------------------------------------------------------
def test_the_traced_path_from_post_cases_to_the_draft_plan_is_where_contributing_says():
    """Each of CONTRIBUTING's eight files still holds the function it names, and there are eight."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## One event from HTTP to its effect", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d+\. `([^`]+\.py)` — `([\w.]+)`", section, flags=re.MULTILINE)
    assert len(steps) == 8, steps
    for path, name in steps:
        tree = ast.parse((ROOT / path).read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        assert name.split(".")[-1] in defined, f"{path} no longer defines {name}"


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
