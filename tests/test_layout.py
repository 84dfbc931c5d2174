"""The layout rules of the README (Architecture): a module of kg/ is at most 300 lines and a function
at most 60, apart from the documented exceptions below; each exception must still be needed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60

# Functions allowed to be longer, with why. Remove an entry when the function is split.
LONG_FUNCTIONS = {
    # JSON-LD written in chunks as the quads stream past, one graph at a time
    "kg/export/jsonld.py:run_chunks": "one streaming writer",
}
LONG_MODULES: dict[str, str] = {}


def _modules() -> list[Path]:
    return sorted((ROOT / "kg").rglob("*.py"))


def _functions(path: Path) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function and method, nested ones included (a class or a
    function inside a function counts towards it too)."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    # from `def` to the last line: decorators (click's option lists) are declarations
                    found.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def _long_functions() -> dict[str, int]:
    return {f"{path.relative_to(ROOT)}:{name}": lines for path in _modules()
            for name, lines in _functions(path) if lines > MAX_FUNCTION_LINES}


def _long_modules() -> dict[str, int]:
    counts = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in _modules()}
    return {path: lines for path, lines in counts.items() if lines > MAX_MODULE_LINES}


def test_no_module_is_over_300_lines():
    over = {path: lines for path, lines in _long_modules().items() if path not in LONG_MODULES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines (split them, or list them with a reason): {over}"


def test_no_function_is_over_60_lines():
    over = {name: lines for name, lines in _long_functions().items() if name not in LONG_FUNCTIONS}
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines (split them, or list them with a reason): {over}"


def test_every_exception_is_still_needed():
    stale = sorted((set(LONG_FUNCTIONS) - set(_long_functions())) | (set(LONG_MODULES) - set(_long_modules())))
    assert not stale, f"no longer over the limit: take them off the exception lists: {stale}"


def test_the_measure_counts_a_long_method_and_a_long_module(tmp_path):
    body = "\n".join(f"        x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    path = tmp_path / "sample.py"
    path.write_text(f"class A:\n    def long(self):\n{body}\n\n\ndef short():\n    return 1\n", encoding="utf-8")
    assert dict(_functions(path)) == {"A.long": MAX_FUNCTION_LINES + 1, "short": 2}
