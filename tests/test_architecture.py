"""The layout's rules (docs/architecture.md), checked on the source: what each folder may
import, models that read no file and print nothing, first-party imports at the top of each
module, and no module over ~600 lines of code."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES = sorted(p for folder in ("ephemeris", "twin") for p in (ROOT / folder).rglob("*.py"))

#: folder (relative to the root) -> first-party packages its modules must not import
FORBIDDEN = {
    "ephemeris": ("twin",),
    "twin/models": ("twin.run", "twin.studies", "twin.io", "twin.ground", "twin.design",
                    "twin.constellation", "twin.scenario"),
    "twin/studies": ("twin.io",),
    "twin/ground": ("twin.run", "twin.studies", "twin.io"),
}
MAX_CODE_LINES = 600


def _imports(tree):
    """(module name, node, at top level) of every import of the module."""
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, id(node) in top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node, id(node) in top


def _rel(path):
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_layers_import_only_downwards(path):
    folder = next((f for f in FORBIDDEN if _rel(path).startswith(f + "/")), None)
    if folder is None:
        return
    tree = ast.parse(path.read_text())
    bad = [name for name, _, _ in _imports(tree)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[folder])]
    assert not bad, f"{_rel(path)} imports {bad}, which {folder}/ must not"


@pytest.mark.parametrize("path", sorted((ROOT / "twin" / "models").glob("*.py")), ids=_rel)
def test_models_read_no_file_and_print_nothing(path):
    tree = ast.parse(path.read_text())
    calls = {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
             for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, (ast.Name, ast.Attribute))}
    assert not calls & {"open", "print", "read_text", "read_bytes", "write_text", "loadtxt",
                        "read_csv"}, _rel(path)


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_first_party_imports_at_the_top(path):
    """A first-party import inside a function must say why it is lazy (a comment on its
    line)."""
    src = path.read_text()
    lines = src.splitlines()
    lazy = [node.lineno for name, node, top in _imports(ast.parse(src))
            if not top and name.split(".")[0] in ("twin", "ephemeris")
            and "#" not in lines[node.lineno - 1]]
    assert not lazy, f"{_rel(path)}: first-party imports inside functions at lines {lazy}"


def _code_lines(src):
    """Lines of code: not blank, not comments, not docstrings."""
    tree = ast.parse(src)
    doc = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            doc.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    return sum(1 for i, line in enumerate(src.splitlines(), 1)
               if i not in doc and line.strip() and not line.strip().startswith("#"))


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_module_over_600_lines_of_code(path):
    n = _code_lines(path.read_text())
    assert n <= MAX_CODE_LINES, f"{_rel(path)} has {n} lines of code (limit {MAX_CODE_LINES})"


def test_one_value_per_physical_constant():
    """The models' constants live in twin/models/constants.py; no other twin module assigns
    a module-level constant of the same name."""
    consts = {t.id for node in ast.parse((ROOT / "twin/models/constants.py").read_text()).body
              if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    for path in (p for p in MODULES if _rel(p).startswith("twin/")
                 and p.name != "constants.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                assert not names & consts, f"{_rel(path)} defines {names & consts} again"
