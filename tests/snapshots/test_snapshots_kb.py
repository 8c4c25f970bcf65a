"""SVG snapshots of the knowledge base on a small fixed data set, time frozen:
the search with a query typed (ranked results, lit snippets), an article
rendered from its Markdown, the cases offered when an article found there is
linked, and a case with its suggested articles beside it.

Update with `pytest tests/snapshots/test_snapshots_kb.py --snapshot-update` after
checking the differences in snapshot_report.html. The session runs in UTC;
records are stamped at fixed times on Friday 12 March 2021 and the screens
are looked at at 14:00 that day. Views and ratings are set by the data.
"""

from __future__ import annotations

import datetime as dt
import time
import types

import pytest
from textual.widgets import Input
from ui_support import wait_until

from crm_tui import display
from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.knowledge.article_view import ArticleScreen
from crm_tui.screens.knowledge.case_picker import CasePickerModal
from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
from crm_tui.screens.support import case_detail, sla_clock
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services import dates, records, session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.date(2021, 3, 12)  # a Friday
NOW = dt.datetime(2021, 3, 12, 14, 0, tzinfo=dt.UTC)


class _FrozenDateTime(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW if tz is not None else NOW.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    time.tzset()
    at = dt.datetime(2021, 3, 12, 9, 0, tzinfo=dt.UTC)
    for module in (records, activities, cases, kb):
        monkeypatch.setattr(module, "utcnow", lambda: at)
    monkeypatch.setattr(dates, "today", lambda: DAY)
    shown = display.time  # "today 09:00", as seen at NOW
    monkeypatch.setattr(
        display, "time", lambda value, zone=None, now=None: shown(value, zone, now or NOW)
    )
    clock = types.SimpleNamespace(datetime=_FrozenDateTime, UTC=dt.UTC)
    monkeypatch.setattr(sla_clock, "dt", clock)
    monkeypatch.setattr(case_detail, "dt", clock)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


PRINTER_BODY = """\
When a label printer prints blank labels, the ribbon or the media is usually
at fault. Work through these steps before calling the vendor.

## Steps

1. Open the printer and check that the ribbon is threaded ink side out.
2. Run a calibration: hold *feed* for two seconds until the light blinks.
3. Print a test label from the printer's own menu.

## Media and settings

| Media | Darkness | Speed |
|---|---|---|
| Direct thermal | 20 | 4 ips |
| Thermal transfer | 15 | 6 ips |

If the test label prints but jobs from Windows do not, reset the driver:

```
printui /s /t2
net stop spooler && net start spooler
```

Still blank? Log a case with the printer's serial number.
"""

ARTICLES = [
    # title, subject, keywords, body, stars, views
    ("Label printer prints blank labels", "Hardware / Printers", "printer, labels, ribbon",
     PRINTER_BODY, (5, 4, 5), 41),
    ("Printer offline after a Windows update", "Hardware / Printers", "printer, spooler",
     "After the update the print spooler may stop. Restart the spooler service and set it "
     "to start automatically; then print a test page.", (4, 4), 18),
    ("Replace the toner on the office printer", "Hardware / Printers", "toner",
     "Open the front cover, pull the old toner cartridge out and shake the new one gently "
     "before you slide it in. The printer counts pages again from zero.", (3,), 7),
    ("Share a printer with a branch office", "Network", "printer, vpn, sharing",
     "Branch offices reach the head office printers over the VPN. Add the printer by its "
     "address, not by its name, so that it works when the name server is slow.", (), 3),
    ("Reset a forgotten password", "Accounts / Sign-in", "password, login",
     "Open the sign-in page and choose *Forgot password*. The link in the email works for "
     "one hour.", (5, 5, 4, 5), 96),
]  # fmt: skip


@pytest.fixture
def kb_desk(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    raters = [users.add(f"r{i}", f"Rater {i}", "agent") for i in range(4)]
    me = session.current_user()
    ids = []
    for title, subject, keywords, body, stars, views in ARTICLES:
        row = kb.create({"title": title, "body": body, "keywords": keywords,
                         "subject_id": kb.ensure_subject(subject)})  # fmt: skip
        row = kb.submit(row.id, row.version)
        row = kb.approve(row.id, row.version)
        row = kb.publish(row.id, row.version)
        for rater, count in zip(raters, stars, strict=False):
            session.act_as(rater)
            kb.rate(row.id, count)
        session.act_as(me)
        kb.record_view(row.id, views)
        ids.append(row.id)
    customer = accounts.create({"name": "Fabrikam Inc"})
    case = cases.create({"title": "Label printer prints blank labels at the depot",
                         "account_id": customer.id, "priority": "high",
                         "description": "Since Monday the printer at the depot feeds blank "
                                        "labels; the ribbon looks fine."})  # fmt: skip
    # the toner article helped a similar case before
    older = cases.create({"title": "Printer needs toner", "account_id": customer.id})
    kb.link_case(ids[2], older.id)
    kb.link_case(ids[1], case.id)
    return {"articles": ids, "case": case.id}


async def _search(pilot) -> None:
    await pilot.pause()
    await pilot.press("7")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, KnowledgeScreen))
    screen = pilot.app.screen
    await pilot.press(*"printer")
    assert await wait_until(pilot, lambda: len(screen.results.rows) == 4)
    assert await wait_until(pilot, lambda: all(r.get("snippet") for r in screen.results.rows))
    await pilot.pause(0.3)


def test_knowledge_search(kb_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_search, terminal_size=BIG)


def test_knowledge_search_small(kb_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_search, terminal_size=SMALL)


async def _results(pilot) -> None:
    """The results hold focus: the footer offers l for the highlighted one,
    and keeps ? and q at 80 columns."""
    await _search(pilot)
    # the first result highlighted whichever the searches typed on the way kept
    await pilot.press("escape", "home")
    await pilot.pause()


def test_knowledge_results(kb_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_results, terminal_size=BIG)


def test_knowledge_results_small(kb_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_results, terminal_size=SMALL)


async def _open_article(pilot, article_id: int) -> None:
    await pilot.pause()
    await pilot.app.open_record("article", article_id)
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ArticleScreen))
    await pilot.pause()


def test_article_view(kb_desk, snap_compare):
    async def open_article(pilot):
        await _open_article(pilot, kb_desk["articles"][0])

    assert snap_compare(CrmApp(), run_before=open_article, terminal_size=BIG)


def test_article_view_small(kb_desk, snap_compare):
    async def open_article(pilot):
        await _open_article(pilot, kb_desk["articles"][0])

    assert snap_compare(CrmApp(), run_before=open_article, terminal_size=SMALL)


def _pick_a_case(article_id: int):
    """l on an article opened in area 7: the person's own cases to pick from."""

    async def run(pilot):
        await _open_article(pilot, article_id)
        await pilot.press("l")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CasePickerModal))
        assert await wait_until(pilot, lambda: len(pilot.app.screen.rows) == 2)
        await pilot.pause(0.3)

    return run


def test_case_picker(kb_desk, snap_compare):
    # the second article is linked to the depot case already
    picking = _pick_a_case(kb_desk["articles"][1])
    assert snap_compare(CrmApp(), run_before=picking, terminal_size=BIG)


def test_case_picker_small(kb_desk, snap_compare):
    picking = _pick_a_case(kb_desk["articles"][1])
    assert snap_compare(CrmApp(), run_before=picking, terminal_size=SMALL)


def test_case_suggestions(kb_desk, snap_compare):
    async def open_case(pilot):
        await pilot.pause()
        await pilot.app.open_record("case", kb_desk["case"])
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseDetailScreen))
        panel = pilot.app.screen.query_one("#kb-suggestions")
        assert await wait_until(pilot, lambda: len(panel.rows) >= 3)
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=open_case, terminal_size=BIG)
