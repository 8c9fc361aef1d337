"""How the code is laid out, so that a maintainer finds any step in a minute: every script is a
thin call of the library module of its own name, the library is laid out by stage as the
rule files are, a stage imports only its own or lower stages, the read simulator stays out of
the production code, and only alkres.tables reads and writes the files that pass between
rules."""

import ast
import re

from conftest import REPO

SCRIPTS = REPO / "workflow" / "scripts"
LIBRARY = SCRIPTS / "alkres"
# Lower stages first: a module may import its own stage and the ones before it.
STAGES = {
    "io": 0, "tables": 0, "defaults": 0,
    "knowledge": 1,
    "inputs": 2, "qc": 2, "mutations": 2, "copy_number": 2, "fusion": 2,
    "biopsy": 3,
    "reports": 4,
}  # fmt: skip


def module_of(path):
    parts = path.relative_to(SCRIPTS).with_suffix("").parts
    return ".".join(part for part in parts if part != "__init__")


def library_modules():
    return {module_of(path): path for path in LIBRARY.rglob("*.py")}


def stage_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_script_calls_the_module_of_its_own_name():
    modules = library_modules()
    scripts = sorted(SCRIPTS.glob("*.py"))
    assert scripts
    for script in scripts:
        tree = ast.parse(script.read_text())
        imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
        (only,) = imports
        assert only.module.startswith("alkres.") and only.module.endswith(f".{script.stem}"), script
        assert [alias.name for alias in only.names] == ["main"], script
        assert only.module in modules, f"{script.name}: no module {only.module}"
        assert stage_of(only.module) in STAGES


def test_every_rule_names_an_existing_script():
    named = set()
    for rules in (REPO / "workflow" / "rules").rglob("*.smk"):
        named |= set(re.findall(r'"\.\./(?:\.\./)?scripts/(\w+)\.py"', rules.read_text()))
    scripts = {path.stem for path in SCRIPTS.glob("*.py")}
    assert named and named <= scripts
    assert scripts <= named, f"scripts no rule runs: {sorted(scripts - named)}"


def test_each_stage_imports_only_its_own_and_lower_stages():
    for module, path in library_modules().items():
        if module == "alkres":
            continue
        rank = STAGES[stage_of(module)]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = node.module
            elif isinstance(node, ast.Import):
                imported = node.names[0].name
            else:
                continue
            assert not imported.startswith("simulate"), f"{module} imports the read simulator"
            if imported.startswith("alkres."):
                assert STAGES[stage_of(imported)] <= rank, f"{module} imports {imported}"


def test_only_the_tables_module_writes_tables_between_rules():
    """pandas' to_csv, csv writers and json.dump appear in alkres.tables only."""
    writers = re.compile(r"\.to_csv\(|csv\.writer|csv\.DictWriter|json\.dumps?\(")
    for module, path in library_modules().items():
        if module in ("alkres.tables",):
            continue
        assert not writers.search(path.read_text()), f"{module} writes a table itself"


def test_the_read_simulator_lives_with_the_test_data():
    assert (REPO / "test_data" / "simulate.py").exists()
    assert not (LIBRARY / "simulate.py").exists()
