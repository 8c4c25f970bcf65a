"""How big the bench database is: the Scale of a build (the full one the
budgets speak of, and the quick tenth), and what a build produced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crm_tui.bench import kb_data

# The bench account's share of all activities (1,000 of 2,000,000).
BENCH_SHARE = 1000 / 2_000_000


@dataclass(frozen=True)
class Scale:
    """Row counts of a build; the ones left out follow from the accounts."""

    accounts: int
    contacts: int
    activities: int
    # Open opportunities (a tenth as many more are won or lost); by default
    # half the accounts: 50k in the full database, as the budget says.
    opportunities: int | None = None
    # Cases (a few thousand of them active) and resource bookings: by default
    # two per account and a twentieth of that, 200k and 10k in the full
    # database, as the budgets say.
    cases: int | None = None
    bookings: int | None = None
    # Knowledge-article versions: 20k in the full database (the budgets).
    articles: int | None = None

    def __post_init__(self) -> None:
        if self.opportunities is None:
            object.__setattr__(self, "opportunities", self.accounts // 2)
        if self.cases is None:
            object.__setattr__(self, "cases", self.accounts * 2)
        if self.bookings is None:
            object.__setattr__(self, "bookings", self.cases // 20)
        if self.articles is None:
            object.__setattr__(self, "articles", kb_data.default_articles(self.accounts))

    @property
    def bench_activities(self) -> int:
        """How many activities the bench account has."""
        return max(1, round(self.activities * BENCH_SHARE))


FULL = Scale(100_000, 1_000_000, 2_000_000)
QUICK = Scale(10_000, 100_000, 200_000)


@dataclass
class Generated:
    """A built (or reused, or upgraded) bench database."""

    path: Path | str  # a file, or the postgresql:// URL of --db
    scale: Scale
    bench_account: int
    seconds: float
    reused: bool = False
    # The generator version of the cache this one was upgraded from, if it was.
    upgraded_from: int | None = None
