"""Invariants over the whole tree: the domain never imports discord; every cog is a loadable extension."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import bot.songwriting
import cogs
from bot.app import EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent


def _modules(path: Path) -> set[str]:
    """Every absolute module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


DOMAIN_LAYERS = {"words": set(), "music": {"words"}, "writers": {"words"}, "versions": {"words"}}
"""What each domain subpackage may import of the others (render, the top layer, may import them all)."""


@pytest.mark.parametrize("layer", sorted(DOMAIN_LAYERS))
def test_domain_layers_import_only_below_them(layer: str) -> None:
    """words is the base; music, writers and versions build on words alone; only render combines them."""
    allowed = DOMAIN_LAYERS[layer] | {layer, "data", "errors", "genre"}
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in (ROOT / "bot" / "songwriting" / layer).rglob("*.py")
        for name in _modules(path)
        if name.startswith("bot.songwriting.") and name.split(".")[2] not in allowed
    }
    assert found == set()


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot" / "songwriting").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_never_reaches_storage_or_workflows(path: Path) -> None:
    """The pure domain knows nothing of the database or the workshop that stores it."""
    assert {m for m in _modules(path) if m.startswith(("bot.db", "bot.workshop", "bot.services"))} == set()


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot" / "songwriting").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_never_imports_discord(path: Path) -> None:
    """No module of bot/songwriting imports discord."""
    assert "discord" not in _imports(path)


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "db").rglob("*.py")), ids=lambda p: p.name)
def test_storage_never_imports_discord(path: Path) -> None:
    """The storage layer is Discord-free too."""
    assert "discord" not in _imports(path)


def test_every_cog_module_is_a_listed_extension() -> None:
    """Each module in cogs/ has setup() and is in the bot's extension tuple."""
    modules = {f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__)}
    assert modules == set(EXTENSIONS)
    for name in modules:
        assert callable(getattr(importlib.import_module(name), "setup", None)), name


def test_domain_package_imports_cleanly() -> None:
    """Every domain module imports without side effects that need Discord or the network."""
    for module in pkgutil.walk_packages(bot.songwriting.__path__, "bot.songwriting."):
        importlib.import_module(module.name)


ADAPTERS = sorted(
    [*(ROOT / "cogs").rglob("*.py"), *(ROOT / "bot").glob("*.py"), *(ROOT / "bot" / "playground").glob("*.py")],
    key=str,
)
"""The adapters: the cogs, the Discord modules beside them (the wiring in cli/runner/services excepted), and the
web playground, a second adapter on the same workshop."""
WIRING = {"cli.py", "runner.py", "services.py", "health.py", "studio.py", "__main__.py", "__init__.py"}


@pytest.mark.parametrize("path", [p for p in ADAPTERS if p.name not in WIRING], ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_reach_storage_only_through_the_workshop(path: Path) -> None:
    """cogs/, the Discord adapters in bot/ and the playground never import bot.db: every read and write goes through
    the workshop."""
    assert {m for m in _modules(path) if m.startswith("bot.db")} == set()


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "workshop").rglob("*.py")), ids=lambda p: p.name)
def test_workshop_never_imports_discord(path: Path) -> None:
    """The workflows are tested with plain values: a rule that needs a Discord object is in the wrong layer."""
    assert "discord" not in _imports(path)
