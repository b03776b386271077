"""The package layout shows the pipeline: one room per stage, each stating its contract, no module too big
to read, no import cycle, and the tests mirroring the package."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
MAX_MODULE_LINES = 500  # past this a stage is a subpackage (STYLE.md); cli.py holds every command's options
MAX_TOP_LEVEL_ENTRIES = 20
STAGES = ("ingest", "summarize", "stories", "translate", "themes", "render", "deliver")


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def test_no_module_is_longer_than_500_lines_but_the_cli() -> None:
    long = {name: n for name, path in modules().items()
            if name != "briefing.cli" and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these into a subpackage: {long}"


def test_the_package_folder_holds_at_most_20_entries() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_TOP_LEVEL_ENTRIES, sorted(entries)


def test_every_subpackage_starts_with_its_contract() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE or "data" in init.parts:
            continue
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring.splitlines()) >= 3, f"{init}: no contract docstring"


def test_each_stage_is_a_subpackage_with_its_settings_and_numbered_in_the_pipeline() -> None:
    pipeline = (PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    for number, stage in enumerate(STAGES, 1):
        assert (PACKAGE / stage / "__init__.py").is_file()
        assert (PACKAGE / stage / "settings.py").is_file()
        assert f"{number}. {stage}" in pipeline
        contract = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert contract is not None and contract.startswith(f"Stage {number}, "), stage


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules `name` imports when it is loaded (module level, not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("briefing"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return found - {name}


def test_there_is_no_import_cycle() -> None:
    found = modules()
    graph = {name: _imports(name, path, set(found)) for name, path in found.items()}
    # a package's own __init__ importing its children is not a cycle through them
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            if other.startswith(name + "."):
                continue
            if state.get(other) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, name, other]))
            if other not in state:
                visit(other, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_shared_modules_import_no_stage() -> None:
    found = modules()
    shared = [n for n in found if n.split(".")[1:2] and n.split(".")[1] in ("text", "runtime", "embed")]
    shared += ["briefing.records", "briefing.options", "briefing.errors", "briefing.log"]
    for name in shared:
        stages = {i.split(".")[1] for i in _imports(name, found[name], set(found)) if len(i.split(".")) > 1}
        assert not stages & set(STAGES), f"{name} imports a stage: {stages & set(STAGES)}"


def test_tests_mirror_the_package() -> None:
    """Each stage's tests sit in tests/<stage>/, named after the module they test."""
    for stage in STAGES:
        folder = ROOT / "tests" / stage
        assert folder.is_dir(), f"tests/{stage}/ is missing"
        for test in folder.glob("test_*.py"):
            module = test.stem.removeprefix("test_")
            assert (PACKAGE / stage / f"{module}.py").is_file(), f"{test} names no module of briefing/{stage}/"
