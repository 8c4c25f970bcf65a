"""Advanced find (`F` on a list): a condition built from a list of the
kind's fields, a comparison and a value, added to the filter as the text
the filter bar reads (docs/QUERIES.md), so what it builds can be read,
changed by hand and saved as a view. Mixed into RecordListScreen."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.errors import ValidationError

# (label, how the term is written: {name} and {value})
COMPARISONS = {
    "is": ("is (any of, with commas)", "{name}:{value}"),
    "not": ("is not", "-{name}:{value}"),
    "more": ("more than / after", "{name}>{value}"),
    "less": ("less than / before", "{name}<{value}"),
    "at_least": ("at least / from", "{name}>={value}"),
    "at_most": ("at most / until", "{name}<={value}"),
    "filled": ("is filled in", "has:{name}"),
    "empty": ("is empty", "-has:{name}"),
}


def term(name: str, comparison: str, value: str) -> str:
    """The query text of one condition; a value with spaces is quoted."""
    value = value.strip()
    if any(ch.isspace() for ch in value) or '"' in value:
        value = '"' + value.replace('"', '""') + '"'
    return COMPARISONS[comparison][1].format(name=name, value=value)


class AdvancedFind:
    def action_find(self) -> None:
        from crm_tui.screens.common.form_modal import form_modal
        from crm_tui.services import query
        from crm_tui.widgets.record_form import FieldSpec

        kind = meta.kind(self.KIND)
        fields = [
            (a.label, a.name)
            for a in kind.attributes
            if a.type is not meta.AttributeType.MEMO and a.name != "version"
        ]
        specs = [
            FieldSpec("field", "Field", "select", fields),
            FieldSpec("comparison", "Comparison", "select",
                      [(label, code) for code, (label, _) in COMPARISONS.items()]),
            FieldSpec("value", "Value", placeholder="retail · 50k · last-30d · me · \"New York\""),
        ]  # fmt: skip
        before = self.filter_text.strip()

        def build(values: dict) -> str:
            name, comparison = values.get("field"), values.get("comparison") or "is"
            value = (values.get("value") or "").strip()
            if not name:
                raise ValidationError({"field": "choose a field"})
            if comparison not in ("filled", "empty") and not value:
                raise ValidationError({"value": "type the value to compare with"})
            text = " ".join(t for t in (before, term(name, comparison, value)) if t)
            problem = query.problem(self.KIND, text)
            if problem:
                raise ValidationError({"value": problem})
            return text

        self.app.push_screen(
            form_modal(self.app, "Add a condition", specs, build,
                       intro="It is added to the filter as text you can read and change.",
                       values={"comparison": "is"}, save_label="add"),
            self._found,
        )  # fmt: skip

    def _found(self, text: str | None) -> None:
        if not text:
            return
        box = self.query_one("#filter")
        box.value = text  # the filter reads it as if typed
        self.table.focus()
