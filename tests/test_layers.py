"""The four layers import only the layers before them: core < services < engine < ui.

Beside the layers, the package's top holds only the package root (`__init__`: the version,
`resources_path`), the window's entry point (`__main__`), the composition root (`app`) and
the command line (`cli/`, a package with its own entry point). The last two sit between
engine and ui: they may use the layers below, never the window. No layer imports them, but
the window, which is built on the composition root.
"""

from __future__ import annotations

import ast
import subprocess
import sys
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
