"""What a report asks, chosen in a form: which records (the kind, first,
for a new report; then a query), up to two groupings with their periods,
two measures, the chart, the order and how many groups to keep. The form
checks the spec as the engine would, naming each part it cannot run."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets.option_list import Option

from crm_tui import meta
from crm_tui.errors import ValidationError
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.reports.picker import Picker
from crm_tui.services.reporting.spec import (
    BUCKETS,
    CHARTS,
    FUNCTIONS,
    ORDERS,
    Grouping,
    Measure,
    Spec,
    check,
    groupable,
    measurable,
)
from crm_tui.widgets.record_form import FieldSpec

NONE = ""


def reportable() -> list[meta.Kind]:
    """The kinds a report may count: those with something to group by."""
    return [k for k in meta.kinds() if k.owned and groupable(k.name)]


class KindPicker(Picker):
    """Which records a new report counts."""

    def __init__(self) -> None:
        options = [Option(k.plural, id=k.name) for k in reportable()]
        super().__init__("A new report counts …", options, "enter chooses · {form.cancel} cancel")


def _specs(kind: str) -> list[FieldSpec]:
    groups = [("(none)", NONE)] + [(a.label, a.name) for a in groupable(kind)]
    periods = [("(not a date)", NONE)] + [(label, key) for key, label in BUCKETS.items()]
    numbers = [("(records)", NONE)] + [(a.label, a.name) for a in measurable(kind)]
    functions = [(label, key) for key, label in FUNCTIONS.items()]
    return [
        FieldSpec("query", "Records", placeholder="owner:me state:open close:this-quarter"),
        FieldSpec("group1", "Group by", "select", groups),
        FieldSpec("bucket1", "Its period", "select", periods),
        FieldSpec("group2", "Then by", "select", groups),
        FieldSpec("bucket2", "Its period", "select", periods),
        FieldSpec("measure1", "Measure", "select", functions),
        FieldSpec("field1", "Of", "select", numbers),
        FieldSpec("measure2", "Also", "select", [("(nothing)", NONE), *functions]),
        FieldSpec("field2", "Of", "select", numbers),
        FieldSpec("chart", "Chart", "select", [(label, key) for key, label in CHARTS.items()]),
        FieldSpec("order", "Order", "select", [(label, key) for key, label in ORDERS.items()]),
        FieldSpec("top", "Keep", placeholder="the first N groups, the rest as Others (empty: all)"),
    ]


def _values(spec: Spec) -> dict:
    values = {"query": spec.query, "chart": spec.chart, "order": spec.order,
              "top": str(spec.top or ""), "measure2": NONE, "field2": NONE}  # fmt: skip
    for index in (1, 2):
        grouping = spec.groups[index - 1] if len(spec.groups) >= index else None
        values[f"group{index}"] = grouping.attribute if grouping else NONE
        values[f"bucket{index}"] = grouping.bucket if grouping else NONE
        measure = spec.measures[index - 1] if len(spec.measures) >= index else None
        if measure is not None:
            values[f"measure{index}"] = measure.function
            values[f"field{index}"] = measure.attribute
    return values


def spec_from(kind: str, typed: dict) -> Spec:
    """The spec the form's values ask for, checked (ValidationError names
    the fields at fault)."""
    groups = tuple(Grouping(typed[f"group{i}"], typed[f"bucket{i}"] or "")
                   for i in (1, 2) if typed.get(f"group{i}"))  # fmt: skip
    measures = []
    for index in (1, 2):
        function = typed.get(f"measure{index}") or NONE
        if not function:
            continue
        field = typed.get(f"field{index}") or ""
        if function != "count" and not field:
            raise ValidationError({f"field{index}": "choose the number to measure"})
        measures.append(Measure(function, "" if function == "count" else field))
    top = (typed.get("top") or "").strip()
    if top and not top.isdigit():
        raise ValidationError({"top": "a number of groups, or empty for all"})
    spec = Spec(kind, (typed.get("query") or "").strip(), groups, tuple(measures) or (Measure(),),
                typed.get("order") or "group", int(top or 0), typed.get("chart") or "bar")  # fmt: skip
    try:
        return check(spec)
    except ValidationError as exc:
        # the engine names a grouping group1 and a measure measure1, as the form does
        raise ValidationError({k if k not in ("groups", "measures") else "group1": v
                               for k, v in exc.errors.items()}) from None  # fmt: skip


def builder(screen, spec: Spec | None, done: Callable[[Spec | None], None]) -> None:
    """Ask what the report counts (a new one: its kind first) and hand the
    checked spec to `done` (None when left)."""

    def ask(kind: str | None, current: Spec | None) -> None:
        if not kind:
            return
        shown = current or Spec(kind)
        title = Text.assemble(("Report of ", "bold"), (meta.kind(kind).plural.lower(), "bold"))
        screen.app.push_screen(
            form_modal(screen.app, title, _specs(kind), lambda typed: spec_from(kind, typed),
                       values=_values(shown), save_label="run"),
            done,
        )  # fmt: skip

    if spec is None:
        screen.app.push_screen(KindPicker(), lambda kind: ask(kind, None))
    else:
        ask(spec.kind, spec)
