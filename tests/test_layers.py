"""The four layers import only the layers before them: core < services < engine < ui.

Beside the layers, the package's top holds only the package root (`__init__`: the version,
`resources_path`), the window's entry point (`__main__`), the composition root (`app`) and
the command line (`cli/`, a package with its own entry point). The last two sit between
engine and ui: they may use the layers below, never the window. No layer imports them, but
the window, which is built on the composition root.

And no two modules import each other, directly or around a longer ring: every import counts,
those made inside a function (loaded on first use) and those under `TYPE_CHECKING` (read by
mypy only) too, since each still says that one module needs the other to be understood. What
does not count is the import Python makes of a package before any of its modules (importing
`cli.command` first runs `cli/__init__.py`): a package that gathers its modules, as `cli/`
gathers its commands, would otherwise always form a ring, though none of them uses it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "songbird_gui"
ORDER = ["core", "services", "engine", "ui"]
ENTRY_POINTS = ("__init__", "__main__")
# The top-level modules and packages that are neither a layer nor an entry point.
TOP_LEVEL = sorted(
    [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ENTRY_POINTS]
    + [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in ORDER]
)


def top_level_files(name: str) -> list[Path]:
    """The files of a top-level module, or of every module of a top-level package."""
    module = PACKAGE / f"{name}.py"
    return [module] if module.exists() else sorted((PACKAGE / name).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_each_layer_imports_only_the_layers_before_it():
    wrong = []
    for rank, layer in enumerate(ORDER):
        later = ORDER[rank + 1 :]
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in imported_modules(path):
                parts = name.split(".")
                if parts[0] == "songbird_gui" and len(parts) > 1 and parts[1] in later:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
                if layer in ("core", "services") and parts[0] == "PySide6":
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
                if layer == "engine" and name.startswith(("PySide6.QtWidgets", "PySide6.QtGui")):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_core_and_services_import_without_qt():
    # Run in a fresh interpreter where PySide6 cannot be imported at all.
    modules = sorted(
        f"songbird_gui.{p.parent.name}.{p.stem}"
        for layer in ("core", "services")
        for p in (PACKAGE / layer).glob("*.py")
        if p.stem != "__init__"
    )
    code = "import sys; sys.modules['PySide6'] = None\n" + "".join(f"import {m}\n" for m in modules)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_top_holds_only_the_entry_points_the_composition_root_and_the_command_line():
    assert TOP_LEVEL == ["app", "cli"]


def test_the_top_level_modules_use_the_layers_below_and_never_the_window():
    wrong = []
    for name in TOP_LEVEL:
        for path in top_level_files(name):
            for imported in imported_modules(path):
                parts = imported.split(".")
                if parts[0] == "songbird_gui" and len(parts) > 1 and parts[1] == "ui":
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert wrong == []


def test_no_layer_imports_a_top_level_module():
    wrong = []
    for layer in ORDER:
        for path in (PACKAGE / layer).rglob("*.py"):
            for imported in imported_modules(path):
                parts = imported.split(".")
                if parts[0] == "songbird_gui" and len(parts) > 1 and parts[1] in TOP_LEVEL:
                    if layer == "ui" and parts[1] == "app":
                        continue  # the window is built on the composition root
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert wrong == []


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_inside_the_package(name: str) -> set[str]:
    """The modules of the package that module `name` imports, anywhere in its text."""
    path = MODULES[name]
    package = name if path.stem == "__init__" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from package import module` imports that module
                module = f"{base}.{alias.name}"
                found.add(module if module in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def ring_through(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """The shortest chain of imports from `start` back to itself, if there is one."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph[module]):
            if imported == start:
                ring = [start, module]
                while ring[-1] != start:
                    ring.append(came_from[ring[-1]])
                return ring[::-1]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    return None


def test_no_two_modules_import_each_other_directly_or_around_a_ring():
    graph = {name: imports_inside_the_package(name) for name in MODULES}
    rings = {}
    for name in sorted(graph):
        ring = ring_through(name, graph)
        if ring is not None and frozenset(ring) not in rings:
            rings[frozenset(ring)] = " → ".join(ring)
    assert sorted(rings.values()) == []


# A window file a newcomer can read in one sitting (issue 23: a window composes panes).
UI_FILE_LINES = 500


def test_no_window_file_outgrows_one_sitting():
    long = {
        path.name: lines
        for path in (PACKAGE / "ui").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > UI_FILE_LINES
    }
    assert not long, f"split these into panes or helpers (over {UI_FILE_LINES} lines): {long}"


def test_every_module_says_what_lives_in_it():
    silent = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not silent, f"these modules open with no docstring: {silent}"
