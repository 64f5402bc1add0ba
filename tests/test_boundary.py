"""The conformance boundary (DESIGN.md), enforced over the source with ``ast``: the reference SUTs import only the
wire (codecs, shared vocabulary); the wire imports nothing of the project; the harness's actors, scenarios,
checks and reports never import a reference SUT; the core (model, trace, check registry) imports only the core.
Only the role modules that start the embedded reference, the fault index and the CLI may name a reference."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("harness", "simulators", "scenarios", "reports", "reference", "wire")
# harness.sut_input: the bounded parsers of SUT data the trace and the checks share (imports only the model)
CORE = ("harness.model", "harness.trace", "harness.redact", "harness.checks.registry", "harness.sut_input")
MAY_START_REFERENCES = ("harness.roles.cmf", "harness.roles.sm", "harness.faults", "harness.cli")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every project module ``path`` imports, at any depth (function-level imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] in PROJECT}


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _violations(package: str, allowed: tuple[str, ...]) -> list[str]:
    bad = []
    for path in _sources(package):
        for name in sorted(_imports(path)):
            if not any(name == a or name.startswith(a + ".") for a in allowed):
                bad.append(f"{_module(path)} imports {name}")
    return bad


def test_reference_suts_import_only_the_wire() -> None:
    assert _sources("reference")
    assert _violations("reference", ("wire", "reference")) == []


def test_references_do_not_import_each_other() -> None:
    assert _violations("reference/cmf", ("wire", "reference.cmf", "reference.faults_base")) == []
    assert _violations("reference/sm", ("wire", "reference.sm")) == []


def test_wire_imports_nothing_of_the_project() -> None:
    assert _violations("wire", ("wire",)) == []


@pytest.mark.parametrize("package", ["simulators", "scenarios", "reports", "harness"])
def test_the_tester_never_imports_a_reference_sut(package: str) -> None:
    bad = [v for v in _violations(package, tuple(p for p in PROJECT if p != "reference"))
           if not v.startswith(MAY_START_REFERENCES)]
    assert bad == []


def test_the_core_imports_only_the_core_and_the_wire() -> None:
    bad = []
    for module in CORE:
        path = ROOT / (module.replace(".", "/") + ".py")
        bad += [f"{module} imports {n}" for n in sorted(_imports(path))
                if not n.startswith(("wire", *CORE))]
    assert bad == []


def test_the_check_detects_a_violation(tmp_path: Path) -> None:
    """The rule itself can fail: a reference module importing a harness actor is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from simulators.ca import CaSimulator\n    import harness.runner\n")
    assert _imports(probe) == {"simulators.ca", "simulators.ca.CaSimulator", "harness.runner"}
