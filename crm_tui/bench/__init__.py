"""`crm-tui bench`: measure the performance budgets on a
generated large database (see crm_tui.bench.generate)."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    from crm_tui.bench.report import main as run

    return run(argv)


__all__ = ["main"]
