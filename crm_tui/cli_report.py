"""`crm-tui report NAME` (a built-in or saved report, as a table, CSV, an
Excel workbook or JSON), `crm-tui reports` (the reports there are) and
`crm-tui print` (a quote, order or invoice as a PDF)."""

from __future__ import annotations

import sys
from decimal import Decimal

from crm_tui.errors import CrmError
from crm_tui.text import clean


def reports(args) -> int:
    """List the reports the person may run: short or saved name, and what
    each answers."""
    from crm_tui.services.reporting import saved

    for report in saved.visible():
        if report.id is None:
            line = f"{report.key[len('builtin:') :]:24}  {report.name}: {report.description}"
        else:
            line = f"{report.name:24}  saved by {report.owner} ({report.scope})"
        print(clean(line))
    return 0


def report(args) -> int:
    """Run one report and write it to stdout or --output."""
    from dataclasses import replace

    from crm_tui.services.reporting import engine, files, saved

    chosen = saved.by_name(args.name)
    spec = chosen.spec
    if args.query:
        spec = replace(spec, query=f"{spec.query} {args.query}".strip())
    result = engine.run(spec)
    fmt = args.format
    if fmt == "xlsx" and not args.output:
        raise CrmError("a workbook is written to a file: add --output FILE.xlsx")
    if args.output:
        from pathlib import Path

        path = Path(args.output).expanduser()
        if path.exists():
            raise CrmError(f"{path} exists: choose another name")
        if fmt == "xlsx":
            with open(path, "xb") as binary:
                count = files.write_xlsx(result, binary, chosen.name)
        else:
            with open(path, "x", encoding="utf-8", newline="") as out:
                count = _write(fmt, result, out)
        print(f"{count:,} rows written to {path}", file=sys.stderr)
        return 0
    _write(fmt, result, sys.stdout)
    return 0


def print_document(args) -> int:
    """Print a quote, order or invoice to a new PDF file."""
    from crm_tui import printing
    from crm_tui.printing import document

    record_id = document.find(args.kind, args.number)
    path, said = printing.to_file(args.kind, record_id, args.file)
    for line in said:
        print(f"crm-tui: {line}", file=sys.stderr)
    print(f"printed to {path}")
    return 0


def _write(fmt: str, result, out) -> int:
    from crm_tui.services.reporting import files

    if fmt == "csv":
        return files.write_csv(result, out)
    if fmt == "json":
        return files.write_json(result, out)
    lines = text_lines(result)
    out.write("\n".join(lines) + "\n")
    return len(lines) - 2


def text_lines(result, money=None) -> list[str]:
    """The table as aligned lines of text for a terminal: names left,
    numbers right, amounts with thousands separators."""
    from crm_tui.services.reporting.files import table

    headings, rows, kinds = table(result)

    def shown(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, Decimal):
            return f"{value:,.2f}" if money is None else money(value)
        if isinstance(value, int):
            return f"{value:,}"
        return clean(str(value))

    cells = [[shown(v) for v in row] for row in rows]
    numeric = [
        i for i in range(len(headings)) if any(isinstance(r[i], int | Decimal) for r in rows)
    ]
    widths = [max([len(headings[i])] + [len(c[i]) for c in cells]) for i in range(len(headings))]

    def fit(values) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in numeric else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    out = [fit(headings), "  ".join("─" * w for w in widths)]
    for row_cells, kind in zip(cells, kinds, strict=True):
        if kind == "total":
            out.append("  ".join("─" * w for w in widths))
        out.append(fit(row_cells))
    return out
