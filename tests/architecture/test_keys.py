"""Every key is written once, in crm_tui/keys, with an id; no key runs two
actions on one screen (the screen's keys, the app's and the focused widget's
are active together); the screens really have the keys the registry says."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

import crm_tui
import crm_tui.screens
import crm_tui.widgets
from crm_tui import keys
from crm_tui.keys import checks

ROOT = Path(crm_tui.__file__).parent.parent
SOURCES = [ROOT / "crm_tui", ROOT / "screens"]
REGISTRY = ROOT / "crm_tui" / "keys"

# What in a screen's source puts a widget scope's keys on it.
MARKERS = {
    "record_table": ("RecordTable(", "DayAgenda(", "MonthGrid("),
    "timeline": "Timeline(",
    "line_table": "LineTable(",
    "card_list": "Kanban(",
    "lookup_input": ("RecordForm(", "LookupInput("),
    "kind_bar": "KindBar(",
    # the knowledge results, and the suggestions beside a case
    "article_list": ("ArticleList(", "SuggestionPanel("),
}


def _our_classes() -> list[type]:
    modules = [importlib.import_module("crm_tui.app")]
    for package in (crm_tui.screens, crm_tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            modules.append(importlib.import_module(info.name))
    found = []
    for module in modules:
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


CLASSES = _our_classes()
SCREENS = [c for c in CLASSES if issubclass(c, Screen)]


def _scopes_of(cls: type) -> set[str]:
    """The scopes whose keys are exactly `cls`'s own (two widgets may share them)."""
    own = cls.__dict__["BINDINGS"]
    matches = {scope for scope in keys.SCOPES if keys.bindings(scope) == own}
    assert matches, f"{cls.__name__}.BINDINGS is not a scope of crm_tui.keys"
    return matches


def _ids(bindings) -> set[str]:
    return {b.id for b in bindings if b.id}


def test_no_binding_is_written_outside_the_registry():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for base in SOURCES
        for path in base.rglob("*.py")
        if REGISTRY not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bBinding\(", line)
    ]
    assert offenders == []


def test_every_binding_has_an_id_from_the_registry():
    for cls in CLASSES:
        if "BINDINGS" not in cls.__dict__:
            continue
        for binding in cls.__dict__["BINDINGS"]:
            assert getattr(binding, "id", None) in keys.DEFAULTS, (cls.__name__, binding)
        _scopes_of(cls)


def test_an_id_is_one_action_on_the_same_keys_everywhere():
    seen: dict[str, tuple[str, str]] = {}
    for scope, bindings in keys.SCOPES.items():
        for binding in bindings:
            assert binding.id, (scope, binding)
            assert re.fullmatch(r"[a-z_]+\.[a-z_]+", binding.id), binding.id
            first = seen.setdefault(binding.id, (binding.key, binding.action))
            assert first == (binding.key, binding.action), (scope, binding.id)


def test_every_scope_is_some_class_s_keys():
    used = set().union(*(_scopes_of(cls) for cls in CLASSES if "BINDINGS" in cls.__dict__))
    assert used == set(keys.SCOPES)
    by_name = {cls.__name__: cls for cls in CLASSES}
    for scope, name in checks.WIDGETS.items():
        assert by_name[name].__dict__["BINDINGS"] == keys.bindings(scope), scope


@pytest.mark.parametrize("screen", SCREENS, ids=lambda c: c.__name__)
def test_the_layout_is_what_the_screen_has(screen):
    """checks.SCREENS, which the clash check reads, matches the real class."""
    layout = checks.SCREENS.get(screen.__name__)
    assert layout is not None, f"{screen.__name__} is missing from crm_tui.keys.checks.SCREENS"
    assert ("app" in layout.scopes) != issubclass(screen, ModalScreen)
    own = [b for _, b in screen._merged_bindings]
    modelled = [b for scope in layout.scopes if scope != "app" for b in keys.SCOPES[scope]]
    assert _ids(own) == _ids(modelled)
    source = "".join(
        inspect.getsource(cls)
        for cls in screen.__mro__
        if cls.__module__.startswith("crm_tui.screens")
    )
    focusable = {chain[0] for chain in layout.focus}
    for scope, marker in MARKERS.items():
        markers = marker if isinstance(marker, tuple) else (marker,)
        assert any(m in source for m in markers) == (scope in focusable), (screen.__name__, scope)


def test_no_key_runs_two_actions_on_one_screen():
    assert checks.clashes() == []


def test_the_check_sees_a_widget_or_base_key_shadowing_a_screen_s():
    # R once both rescheduled the timeline's activity and resolved the case
    assert checks.clashes({"timeline.reschedule": "R"}) == [
        "R is both campaign.ready and timeline.reschedule in the campaign detail screen",
        "R is both case.resolve and timeline.reschedule in the case detail screen",
    ]
    # a widget's key is active with the screen's while the widget has focus
    found = checks.clashes({"cursor.down": "n"})
    assert "n is both cursor.down and list.new in the accounts screen" in found
    # swapping two keys is no clash
    assert checks.clashes({"case.take": "R", "case.resolve": "t"}) == []


def test_hints_show_the_keys_in_use():
    try:
        assert keys.fill("{list.new} creates one") == "n creates one"
        assert keys.key("app.help") == "?" and keys.key("lines.remove") == "−"
        assert keys.step("document_detail", "A") == "A"
        keys.use_keymap({"list.new": "ctrl+n,f2", "quote.activate": "question_mark"})
        assert keys.fill("{list.new} creates one") == "ctrl+n creates one"
        assert keys.keys_of("list.new") == ["ctrl+n", "f2"]
        assert keys.step("document_detail", "A") == "?"
    finally:
        keys.use_keymap({})


def test_the_registry_imports_no_screen():
    import subprocess
    import sys

    probe = (
        "import sys, crm_tui.keys, crm_tui.keys.checks\n"
        "print(sorted(m for m in sys.modules if m.startswith(('crm_tui.screens', "
        "'crm_tui.widgets', 'crm_tui.services', 'textual.app'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
