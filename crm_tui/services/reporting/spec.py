"""What a report asks: the records (a kind and a query in the filter
language), how they are grouped (up to two attributes; dates by calendar
period) and what is measured (count, sum, average, minimum, maximum of
numbers and money). Checked against the record metadata, kept as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from crm_tui import meta
from crm_tui.errors import NotFound, ValidationError
from crm_tui.meta import Attribute, AttributeType

T = AttributeType
FUNCTIONS = {"count": "Count", "sum": "Sum", "avg": "Average", "min": "Minimum", "max": "Maximum"}
BUCKETS = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
CHARTS = {"bar": "Bars", "stacked": "Stacked bars", "line": "Line over time", "funnel": "Funnel",
          "table": "Table only"}  # fmt: skip
ORDERS = {"group": "By group", "value": "Largest first"}
GROUPABLE = frozenset({T.OPTION_SET, T.LOOKUP, T.BOOLEAN, T.DATE, T.DATETIME, T.TEXT, T.EMAIL})
MEASURABLE = frozenset({T.INTEGER, T.MONEY})
MAX_GROUPS = 2
# Internal counters and keys a person never reads as a measure.
_NOT_MEASURES = frozenset({"id", "version"})


@dataclass(frozen=True)
class Grouping:
    """Rows per value of `attribute`; a date's value is its calendar
    `bucket` (day, week, month, quarter, year) in the person's time zone."""

    attribute: str
    bucket: str = ""


@dataclass(frozen=True)
class Measure:
    """`function` over `attribute` (count needs none: it counts records)."""

    function: str = "count"
    attribute: str = ""


@dataclass(frozen=True)
class Spec:
    kind: str
    query: str = ""
    groups: tuple[Grouping, ...] = ()
    measures: tuple[Measure, ...] = (Measure(),)
    order: str = "group"  # "value": largest first measure first
    top: int = 0  # keep this many first-level groups, the rest as one "Others"
    chart: str = "bar"
    fill: bool = True  # periods with no records between the first and last shown as 0

    def to_json(self) -> str:
        """The spec as stored with a saved report."""
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Spec:
        """A spec stored by `to_json` (unknown keys are ignored, for specs
        saved by a later version)."""
        data = json.loads(text)
        return cls(
            kind=data["kind"],
            query=data.get("query", ""),
            groups=tuple(Grouping(**g) for g in data.get("groups", ())),
            measures=tuple(Measure(**m) for m in data.get("measures", ())) or (Measure(),),
            order=data.get("order", "group"),
            top=int(data.get("top", 0)),
            chart=data.get("chart", "bar"),
            fill=bool(data.get("fill", True)),
        )


def groupable(kind_name: str) -> tuple[Attribute, ...]:
    """The attributes a report of `kind_name` may group by: choices, lookups
    to one kind, yes/no, dates and short text, in the kind's order."""
    kind = meta.kind(kind_name)
    return tuple(
        a
        for a in kind.queryable
        if a.type in GROUPABLE
        and not (a.type is T.LOOKUP and a.target is None)
        and a.name not in _NOT_MEASURES
    )


def measurable(kind_name: str) -> tuple[Attribute, ...]:
    """The numbers and money of `kind_name` a report may sum or average."""
    kind = meta.kind(kind_name)
    return tuple(a for a in kind.queryable if a.type in MEASURABLE and a.name not in _NOT_MEASURES)


def is_date(attribute: Attribute) -> bool:
    return attribute.type in (T.DATE, T.DATETIME)


def check(spec: Spec) -> Spec:
    """`spec` with each date grouping given its default period (month);
    ValidationError naming each part that cannot be run."""
    errors: dict[str, str] = {}
    if spec.kind not in meta.names():
        raise ValidationError({"kind": f"{spec.kind!r} is not a record kind"})
    kind = meta.kind(spec.kind)
    groups = []
    if len(spec.groups) > MAX_GROUPS:
        errors["groups"] = f"group by at most {MAX_GROUPS} fields"
    allowed = {a.name for a in groupable(spec.kind)}
    for index, grouping in enumerate(spec.groups[:MAX_GROUPS]):
        key = f"group{index + 1}"
        try:
            attribute = kind.attribute(grouping.attribute)
        except NotFound:
            errors[key] = f"{kind.plural.lower()} have no field {grouping.attribute!r}"
            continue
        if attribute.name not in allowed:
            errors[key] = f"{attribute.label} cannot group a report"
            continue
        bucket = grouping.bucket
        if is_date(attribute):
            bucket = bucket or "month"
            if bucket not in BUCKETS:
                errors[key] = f"a date groups by {', '.join(BUCKETS)}, not {bucket!r}"
        elif bucket:
            errors[key] = f"{attribute.label} is not a date: it has no periods"
        groups.append(Grouping(attribute.name, bucket))
    if len({g.attribute for g in groups}) < len(groups):
        errors["groups"] = "group by two different fields"
    measures = []
    numbers = {a.name for a in measurable(spec.kind)}
    for index, measure in enumerate(spec.measures):
        key = f"measure{index + 1}"
        if measure.function not in FUNCTIONS:
            errors[key] = f"measure with {', '.join(FUNCTIONS)}, not {measure.function!r}"
            continue
        if measure.function == "count":
            measures.append(Measure("count", ""))
            continue
        try:
            attribute = kind.attribute(measure.attribute)
        except NotFound:
            errors[key] = f"{kind.plural.lower()} have no field {measure.attribute!r}"
            continue
        if attribute.name not in numbers:
            errors[key] = f"{attribute.label} is not a number or an amount"
            continue
        measures.append(Measure(measure.function, attribute.name))
    if not spec.measures:
        errors["measures"] = "measure something (count, sum, average, minimum, maximum)"
    if spec.order not in ORDERS:
        errors["order"] = f"order {', '.join(ORDERS)}, not {spec.order!r}"
    if spec.chart not in CHARTS:
        errors["chart"] = f"chart as {', '.join(CHARTS)}, not {spec.chart!r}"
    if spec.top < 0:
        errors["top"] = "keep a positive number of groups, or 0 for all"
    if spec.query:
        from crm_tui.services import query

        problem = query.problem(spec.kind, spec.query)
        if problem:
            errors["query"] = problem
    if errors:
        raise ValidationError(errors)
    return Spec(
        spec.kind,
        spec.query.strip(),
        tuple(groups),
        tuple(measures),
        spec.order,
        spec.top,
        spec.chart,
        spec.fill,
    )


@dataclass(frozen=True)
class SavedReport:
    """A report a person may run: a built-in one or one saved by name."""

    id: int | None  # None: a built-in report
    name: str
    spec: Spec
    scope: str
    owner_id: int | None
    owner: str
    version: int
    key: str  # "builtin:pipeline" or "saved:12"
    description: str = ""
