"""User text is data, never markup, on every sales screen.

The same hostile corpus as test_ui_text_safety (markup, escape sequences, an
OSC 8 link, a bidi override, Persian with a ZWNJ) fills every text a
salesperson sees: lead names, companies and topics; opportunity names, needs
and customers (accounts and contacts); competitors; products, units and
numbers; price lists; quote, order and invoice names, descriptions and
write-in lines (and their numbers, which the app makes but stores as text);
the notes of a won and a lost deal.

Records are made through the services (which clean text on the way in); the
text columns are then overwritten with the raw strings through the models,
as an older version or another tool might have stored them. Each record
was created with a marker word in its name ("leadmark", "oppmark", ...):
the search index keeps the words it was created with, so the palette finds
each kind by its marker and shows the raw names that are stored now.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_ui_text_safety import RAW, SIZE, VISIBLE, check_screen
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, TabbedContent, TextArea
from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import write
from crm_tui.models import (
    Account,
    Activity,
    Competitor,
    Contact,
    Invoice,
    InvoiceLine,
    Lead,
    Opportunity,
    OpportunityLine,
    PriceList,
    Product,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
)
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.sales.competitor_detail import CompetitorDetailScreen
from crm_tui.screens.sales.competitor_form import CompetitorFormScreen
from crm_tui.screens.sales.competitors_list import CompetitorsScreen
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.screens.sales.document_form import DocumentFormScreen
from crm_tui.screens.sales.documents_list import DocumentsScreen
from crm_tui.screens.sales.lead_detail import LeadDetailScreen
from crm_tui.screens.sales.lead_form import LeadFormScreen
from crm_tui.screens.sales.lead_qualify import QualifyModal
from crm_tui.screens.sales.leads_list import LeadsScreen
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunities_list import OpportunitiesScreen
from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen
from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.screens.sales.price_lists import PriceListsScreen
from crm_tui.screens.sales.product_detail import ProductDetailScreen
from crm_tui.screens.sales.product_form import ProductFormScreen
from crm_tui.screens.sales.products_list import ProductsScreen
from crm_tui.services import dates
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.sales import (
    competitors,
    invoices,
    leads,
    opportunities,
    orders,
    products,
    quotes,
)
from crm_tui.services.sales import lines as document_lines
from crm_tui.text import clean
from crm_tui.widgets.kanban import Kanban

# The hostile strings short enough for a narrow column (a product number,
# a unit): "[/]", the escape-wrapped "click" and "red", "ab", Persian.
SHORT = [0, 4, 5, 6, 7]


def rot(index: int) -> str:
    """The raw string `index` places further on (wrapping), so that each
    text field of a row holds a different hostile string."""
    return RAW[index % len(RAW)]


def raw(model, record_id: int, **columns) -> None:
    """Store text as a writer that does not clean would."""
    model.update(**columns).where(model.id == record_id).execute()


def notes_text(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def palette(pilot, query: str, expected: list[str], *, count: int = 8) -> None:
    """ctrl+p `query`: at least `count` hits, each shown literally."""
    app = pilot.app
    await pilot.press("ctrl+p", *query)
    hits = app.screen.query_one(CommandList)
    assert await wait_until(pilot, lambda: hits.option_count >= count), hits.option_count
    check_screen(app, CommandPalette, expected)
    await pilot.press("escape")
    await pilot.pause()


def labelled(lines: list[str], label: str, value: str) -> bool:
    """A summary row: `label`, then `value` as the last thing on the line."""
    return any(
        line.strip().startswith(f"{label} ") and line.rstrip().endswith(f" {value}")
        for line in lines
    )


def linked(lines: list[str]) -> set[str]:
    """The names the qualify modal offers to link ("Link <name>  <detail>  (why)")."""
    out = set()
    for line in lines:
        if "Link " in line:
            name = line.split("Link ", 1)[1].split("  ", 1)[0]
            out.add(name)
    return out


async def toast_shows(pilot, text: str) -> list[str]:
    """A toast containing `text` is rendered, and safely."""
    app = pilot.app
    assert await wait_until(
        pilot,
        lambda: any(text in line for line in screen_lines(app)) and bool(app.screen.query("Toast")),
    ), notes_text(app)
    return check_screen(app, type(app.screen), [])


@pytest.fixture
def sales(db):
    """Every sales record type, its text fields full of hostile strings."""
    today = dates.today()
    past = (today - dt.timedelta(days=20)).isoformat()
    soon = (today + dt.timedelta(days=20)).isoformat()

    # Customers: the first four share an email with lead 0, the last four
    # with lead 1; contacts the other way round (the qualify modal's matches).
    customers = [
        accounts.create({"name": f"Acctmark {i}", "email": f"buyer@{'ab'[i // 4]}.example"})
        for i in range(8)
    ]
    people = [
        contacts.create(
            {
                "last_name": f"Contmark {i}",
                "email": f"buyer@{'ba'[i // 4]}.example",
                "account_id": customers[(i + 3) % 8].id,
            }
        )
        for i in range(8)
    ]

    lead_rows = [
        leads.create(
            {
                "last_name": f"Leadmark {i}",
                "company_name": f"Firm {i}",
                "topic": "Laptops",
                "email": f"buyer@{'ab'[i]}.example" if i < 2 else "",
                "estimated_value": "1000",
            }
        )
        for i in range(8)
    ]

    product_rows = []
    for i in range(8):
        made = products.create(
            {
                "product_number": f"PRD-{i}",
                "name": f"Product {i}",
                "unit": "each",
                "list_price": f"{10 * (i + 1)}.00",
                "description": "Prodmark",
            }
        )
        product_rows.append(products.activate(made.id, made.version))
    price_lists = [products.create_price_list({"name": f"List {i}"}) for i in range(8)]
    for product in product_rows:
        products.set_item(price_lists[0].id, product.id, "9.50")

    competitor_rows = [
        competitors.create({"name": f"Compmark {i}", "website": f"rival{i}.example"})
        for i in range(8)
    ]

    # The board: two cards a stage; overdue, undated and on-hold ones.
    deals = []
    for i in range(8):
        customer = {"contact_id": people[i].id} if i == 7 else {"account_id": customers[i].id}
        if i == 4:
            customer["price_list_id"] = price_lists[0].id
        deals.append(
            opportunities.create(
                {
                    "name": f"Oppmark {i}",
                    "estimated_revenue": f"{1000 * (i + 1)}",
                    "estimated_close_date": "" if i == 1 else (past if i % 3 == 0 else soon),
                    "description": "Need",
                    **customer,
                }
            )
        )
    sink = deals[4]  # in Propose: products, quotes, competitors, a lead
    for product in product_rows[:4]:
        sink = document_lines.add_line(
            "opportunity", sink.id, sink.version, {"product_id": product.id, "quantity": "2"}
        )
    for i in range(4, 8):
        sink = document_lines.add_line(
            "opportunity",
            sink.id,
            sink.version,
            {"description": f"Write-in {i}", "unit_price": "100", "tax_percent": "20"},
        )
    for competitor in competitor_rows:
        competitors.link(sink.id, competitor.id)
    for _ in RAW:
        activities.log("phone_call", "Call about the deal", regarding=("opportunity", sink.id))

    # Quotes of the sink (each takes its lines), orders and invoices.
    quote_rows = [
        quotes.create({"name": f"Quomark {i}", "opportunity_id": sink.id, "discount": "5%"})
        for i in range(8)
    ]
    order_rows = [
        orders.create({"name": f"Ordmark {i}", "account_id": customers[i].id}) for i in range(8)
    ]
    invoice_rows = [
        invoices.create({"name": f"Invmark {i}", "account_id": customers[i].id}) for i in range(8)
    ]
    for kind, document in (("order", order_rows[0]), ("invoice", invoice_rows[0])):
        for i in range(8):
            document = document_lines.add_line(
                kind,
                document.id,
                document.version,
                {"description": f"Line {i}", "unit_price": "25", "quantity": "3"},
            )

    # Closed deals: won with notes, lost to a competitor with notes.
    won = opportunities.create({"name": "Oppmark won", "account_id": customers[5].id})
    won = opportunities.close_won(won.id, won.version, actual_revenue="500", description="Notes")
    lost = opportunities.create({"name": "Oppmark lost", "account_id": customers[6].id})
    lost = opportunities.close_lost(
        lost.id, lost.version, competitor_id=competitor_rows[0].id, description="Notes"
    )

    # --- now the raw strings, straight through the models ---------------------
    with write():
        for i, row in enumerate(customers):
            raw(Account, row.id, name=RAW[i], city=rot(i + 1))
        for i, row in enumerate(people):
            raw(Contact, row.id, last_name=RAW[i], full_name=RAW[i], job_title=rot(i + 1))
        for i, row in enumerate(lead_rows):
            raw(
                Lead,
                row.id,
                first_name="",
                last_name=RAW[i],
                full_name=RAW[i],
                company_name=rot(i + 1),
                topic=rot(i + 2),
                job_title=rot(i + 3),
                city=rot(i + 4),
                country=rot(i + 5),
                description=rot(i + 6),
            )
        for i, row in enumerate(product_rows):
            raw(
                Product,
                row.id,
                product_number=RAW[i],
                name=RAW[i],
                unit=rot(i + 1),
                description=rot(i + 2),
            )
        for i, row in enumerate(price_lists):
            raw(PriceList, row.id, name=RAW[i], description=rot(i + 1))
        for i, row in enumerate(competitor_rows):
            raw(
                Competitor,
                row.id,
                name=RAW[i],
                website=rot(i + 1),
                strengths=rot(i + 2),
                weaknesses=rot(i + 3),
                description=rot(i + 4),
            )
        for i, row in enumerate(deals):
            status = {"status_reason": "on_hold"} if i == 2 else {}
            raw(Opportunity, row.id, name=RAW[i], description=rot(i + 1), **status)
            raw(Opportunity, row.id, stage=opportunities.STAGES[i // 2])
        raw(Opportunity, sink.id, lead=lead_rows[0].id)
        raw(Opportunity, won.id, name=RAW[3], close_reason=RAW[4])
        raw(Opportunity, lost.id, name=RAW[5], close_reason=RAW[6])
        for model, parent in (
            (OpportunityLine, OpportunityLine.opportunity == sink.id),
            *((QuoteLine, QuoteLine.quote == q.id) for q in quote_rows),
            (SalesOrderLine, SalesOrderLine.order == order_rows[0].id),
            (InvoiceLine, InvoiceLine.invoice == invoice_rows[0].id),
        ):
            for line in model.select().where(parent).order_by(model.line_number):
                raw(
                    model,
                    line.id,
                    description=rot(line.line_number - 1),
                    unit=rot(line.line_number),
                )
        # numbers are made by the app, but stored text all the same
        for model, rows in ((Quote, quote_rows), (SalesOrder, order_rows), (Invoice, invoice_rows)):
            for i, row in enumerate(rows):
                number = f"\x1b[1m{row.number}\x1b[0m"
                raw(model, row.id, name=RAW[i], description=rot(i + 1), number=number)
        calls = Activity.select().where(Activity.regarding_type == "opportunity")
        for index, activity in enumerate(calls.order_by(Activity.id)):
            raw(Activity, activity.id, subject=rot(index), description="\n".join(RAW))

    return {
        "customers": customers,
        "people": people,
        "leads": lead_rows,
        "products": product_rows,
        "price_lists": price_lists,
        "competitors": competitor_rows,
        "deals": deals,
        "sink": sink,
        "quotes": quote_rows,
        "orders": order_rows,
        "invoices": invoice_rows,
        "won": won,
        "lost": lost,
    }


async def test_leads_list_detail_form_qualify_disqualify_palette_and_toasts(sales):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LeadsScreen))
        lines = check_screen(app, LeadsScreen, VISIBLE)
        table = app.screen.table
        assert {row["name"] for row in table._rows} == set(RAW)

        await palette(pilot, "leadmark", VISIBLE)

        # the qualify modal offers the matching accounts and contacts, by name
        first = [row["name"] for row in table._rows].index(RAW[0])
        table.move_cursor(row=first)
        await pilot.press("Q")
        assert await wait_until(pilot, lambda: isinstance(app.screen, QualifyModal))
        assert await wait_until(pilot, lambda: "Link " in "\n".join(screen_lines(app)))
        lines = check_screen(app, QualifyModal, [])
        assert linked(lines) == set(VISIBLE)  # accounts 0-3, contacts 4-7
        assert any("Qualify [/]" in line for line in lines)
        assert any(f"Create account {VISIBLE[1]}" in line for line in lines)
        await pilot.press("escape")
        second = [row["name"] for row in table._rows].index(RAW[1])
        table.move_cursor(row=second)
        await pilot.press("Q")
        assert await wait_until(pilot, lambda: "Link " in "\n".join(screen_lines(app)))
        lines = check_screen(app, QualifyModal, [])
        assert linked(lines) == set(VISIBLE)  # accounts 4-7, contacts 0-3
        await pilot.press("escape")

        # disqualify asks for a reason under the lead's name
        await pilot.press("X")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        lines = check_screen(app, FormModal, [])
        assert any(f"Disqualify {VISIBLE[1]}" in line for line in lines)
        await pilot.press("escape")

        # a toast naming the lead
        await pilot.press("M")
        assert f"{VISIBLE[1]} marked contacted." in notes_text(app)
        await toast_shows(pilot, "marked contacted")

        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LeadDetailScreen))
        await pilot.pause()
        lines = check_screen(app, LeadDetailScreen, [VISIBLE[1], VISIBLE[2]])
        assert any(f"{VISIBLE[1]} · {VISIBLE[2]}" in line for line in lines)
        await pilot.press("left_square_bracket")  # the summary, left of the timeline
        check_screen(app, LeadDetailScreen, [VISIBLE[i % 8] for i in range(1, 8)])
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LeadFormScreen))
        await pilot.pause()
        check_screen(app, LeadFormScreen, [VISIBLE[i % 8] for i in range(1, 6)])
        form = app.screen
        assert form.query_one("#field-last_name", Input).value == VISIBLE[1]
        description = form.query_one("#field-description", TextArea)
        assert description.text == VISIBLE[7]
        await pilot.press("escape")
        await pilot.press("escape")

        # qualify the first lead: it links the account it matches
        table = app.screen.table
        table.move_cursor(row=[row["name"] for row in table._rows].index(RAW[0]))
        await pilot.press("Q")
        assert await wait_until(pilot, lambda: "Link " in "\n".join(screen_lines(app)))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunityDetailScreen))
        assert "[/] qualified: account, contact, opportunity." in notes_text(app)
        await toast_shows(pilot, "qualified: account")
        await pilot.pause()
        check_screen(app, OpportunityDetailScreen, [VISIBLE[0]])


async def test_board_gate_close_modals_list_palette_and_toasts(sales):
    deals = sales["deals"]
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("4")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await pilot.pause()
        board = app.screen.query_one(Kanban)
        # every card's name and customer (accounts, and a contact for the last);
        # the heads count the cards
        lines = check_screen(app, PipelineScreen, VISIBLE)
        customers = [row["customer"] for c in board.columns for row in c.rows]
        assert sorted(customers) == sorted(RAW)
        for head in ("Qualify  2", "Develop  2", "Propose  2", "Close  2"):
            assert any(head in line for line in lines), head
        assert any("⚠" in line for line in lines) and any("hold" in line for line in lines)

        await palette(pilot, "oppmark", VISIBLE)

        # the first card moves without asking: the toast names it
        assert board.current_card["id"] == deals[0].id
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: board.current_column == "develop")
        assert "[/] moved to Develop." in notes_text(app)
        await toast_shows(pilot, "[/] moved to Develop.")
        check_screen(app, PipelineScreen, VISIBLE)

        # the undated card's gate asks for a close date, under its name
        await pilot.press("h")
        assert board.current_card["id"] == deals[1].id
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        lines = check_screen(app, FormModal, [])
        assert any(f"Move to Develop: {VISIBLE[1]}" in line for line in lines)
        await pilot.press("escape")

        for key, verb in (("w", "won"), ("x", "lost")):
            await pilot.press(key)
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
            lines = check_screen(app, FormModal, [])
            assert any(f"Close as {verb}: {VISIBLE[1]}" in line for line in lines), verb
            await pilot.press("escape")

        # lost to a competitor found by name (shown as stored); the toast names the deal
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        competitor = app.screen.query_one("#field-competitor_id", Input)
        competitor.focus()
        await pilot.press(*"compmark")
        assert await wait_until(pilot, lambda: competitor.chosen_id is not None)
        lines = check_screen(app, FormModal, [])
        assert any(f"→ {clean(competitor.chosen_name)}  " in line for line in lines)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        assert f"{VISIBLE[1]} closed as lost." in notes_text(app)
        await toast_shows(pilot, "closed as lost")

        await pilot.press("b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunitiesScreen))
        await pilot.pause()
        check_screen(app, OpportunitiesScreen, [v for v in VISIBLE if v != VISIBLE[1]])
        await pilot.press("v", "v", "v")  # open -> won -> lost -> all
        assert app.screen.view == "all"
        check_screen(app, OpportunitiesScreen, VISIBLE)


def on_tab(app, pane: str) -> bool:
    return app.screen.query_one("#tabs", TabbedContent).active == f"tab-{pane}"


async def tab(pilot, pane: str) -> None:
    """Switch the detail screen to `pane` and let it draw."""
    pilot.app.screen.query_one("#tabs", TabbedContent).active = f"tab-{pane}"
    await pilot.pause()


async def test_opportunity_detail_tabs_form_line_modal_and_closed_deals(sales):
    sink = sales["sink"]
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.open_record("opportunity", sink.id)
        await pilot.pause()
        # the timeline: the calls' subjects
        lines = check_screen(app, OpportunityDetailScreen, VISIBLE)
        assert any(line.lstrip().startswith("click  open  Propose") for line in lines)

        await tab(pilot, "summary")
        lines = check_screen(app, OpportunityDetailScreen, [VISIBLE[4], VISIBLE[5]])
        for label, value in (
            ("Customer", VISIBLE[4]),
            ("Price list", VISIBLE[0]),
            ("From lead", VISIBLE[0]),
            ("Need", VISIBLE[5]),
        ):
            assert labelled(lines, label, value), label

        # products: product names for the first four lines, write-ins after
        await tab(pilot, "lines")
        check_screen(app, OpportunityDetailScreen, VISIBLE)
        await tab(pilot, "quotes")
        check_screen(app, OpportunityDetailScreen, VISIBLE)
        await tab(pilot, "competitors")
        check_screen(app, OpportunityDetailScreen, VISIBLE)

        # a write-in line in the line modal, with its live amount
        await tab(pilot, "lines")
        line_table = app.screen.query_one("#related-lines")
        line_table.focus()
        line_table.move_cursor(row=5)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        assert await wait_until(pilot, lambda: "= " in "\n".join(screen_lines(app)))
        lines = check_screen(app, LineModal, [])
        assert app.screen.query_one("#field-description", Input).value == VISIBLE[5]
        assert any("Amount: 100.00 + 20.00 tax = " in line for line in lines)
        await pilot.press("escape")
        # a product line: the lookup shows the product's stored name
        line_table.move_cursor(row=2)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        assert await wait_until(pilot, lambda: "= " in "\n".join(screen_lines(app)))
        lines = check_screen(app, LineModal, [])
        assert app.screen.query_one("#field-product_id", Input).value == VISIBLE[2]
        assert any("Amount: 19.00 = 19.00 USD" in line for line in lines)
        await pilot.press("escape")

        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunityFormScreen))
        await pilot.pause()
        lines = check_screen(app, OpportunityFormScreen, [VISIBLE[4]])
        assert any(f"Edit opportunity · {VISIBLE[4]}" in line for line in lines)
        assert app.screen.query_one("#field-account_id", Input).value == VISIBLE[4]
        assert app.screen.query_one("#field-description", TextArea).text == VISIBLE[5]
        await pilot.press("escape")

        # back a stage (no gate going back): the title follows
        await pilot.press("less_than_sign")
        assert await wait_until(
            pilot, lambda: any("click  open  Develop" in line for line in screen_lines(app))
        )
        check_screen(app, OpportunityDetailScreen, [])

        # the won deal: its close activity carries the notes
        await app.open_record("opportunity", sales["won"].id)
        await pilot.pause()
        check_screen(app, OpportunityDetailScreen, [VISIBLE[3]])
        await tab(pilot, "summary")
        lines = check_screen(app, OpportunityDetailScreen, [VISIBLE[3], VISIBLE[5], VISIBLE[4]])
        assert labelled(lines, "Close notes", VISIBLE[4])

        # the lost one names the competitor who won
        await app.open_record("opportunity", sales["lost"].id)
        await pilot.pause()
        await tab(pilot, "summary")
        lines = check_screen(app, OpportunityDetailScreen, [VISIBLE[5], VISIBLE[0], VISIBLE[6]])
        assert labelled(lines, "Lost to", VISIBLE[0])
        assert labelled(lines, "Close notes", VISIBLE[6])


async def test_documents_list_detail_lines_totals_line_modal_form_and_palette(sales):
    quote = sales["quotes"][0]
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen))
        await pilot.pause()
        lines = check_screen(app, DocumentsScreen, VISIBLE)
        assert sum(VISIBLE[4] in line for line in lines) >= 8  # the customer of every quote
        await pilot.press("t")  # orders
        assert await wait_until(pilot, lambda: app.screen.KIND == "order")
        check_screen(app, DocumentsScreen, VISIBLE)
        await pilot.press("t")  # invoices
        assert await wait_until(pilot, lambda: app.screen.KIND == "invoice")
        check_screen(app, DocumentsScreen, VISIBLE)

        await palette(pilot, "quomark", VISIBLE)
        await palette(pilot, "ordmark", VISIBLE)
        await palette(pilot, "invmark", VISIBLE)

        # the quote opens on its lines, the totals under them
        await app.open_record("quote", quote.id)
        assert await wait_until(pilot, lambda: on_tab(app, "lines"))
        lines = check_screen(app, DocumentDetailScreen, VISIBLE)
        assert any("QUO-00001-R1  [/]  draft" in line for line in lines)
        for label in ("Subtotal", "Discount 5%", "Tax", "Total"):
            assert any(line.strip().startswith(label) for line in lines), label

        # a write-in line in the modal, its amount and the new total
        table = app.screen.query_one("#doc-lines")
        table.move_cursor(row=6)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        assert await wait_until(pilot, lambda: "= " in "\n".join(screen_lines(app)))
        lines = check_screen(app, LineModal, [])
        assert app.screen.query_one("#field-description", Input).value == VISIBLE[6]
        assert any("Amount: 100.00 + 20.00 tax = " in line for line in lines)
        await pilot.press("escape")

        # a new line: the product lookup resolves to a stored (raw) name
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        await pilot.press(*"prodmark")
        assert await wait_until(pilot, lambda: "= " in "\n".join(screen_lines(app)))
        lines = check_screen(app, LineModal, [])
        assert any(f"→ {VISIBLE[0]}" in line for line in lines), "\n".join(lines)
        await pilot.press("down", "down", "down")
        assert await wait_until(
            pilot, lambda: any(f"→ {VISIBLE[3]}" in line for line in screen_lines(app))
        )
        check_screen(app, LineModal, [])
        await pilot.press("escape", "y")  # something was typed: it asks first

        # removing a line asks, naming it
        table.move_cursor(row=1)
        await pilot.press("minus")
        await pilot.pause()
        lines = check_screen(app, type(app.screen), [])
        assert any(f"Remove line 2: {VISIBLE[1]}?" in line for line in lines)
        await pilot.press("n")

        await tab(pilot, "summary")
        lines = check_screen(app, DocumentDetailScreen, [VISIBLE[4], VISIBLE[0], VISIBLE[1]])
        for label, value in (
            ("Customer", VISIBLE[4]),
            ("Opportunity", VISIBLE[4]),
            ("Price list", VISIBLE[0]),
            ("Description", VISIBLE[1]),
        ):
            assert labelled(lines, label, value), label

        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentFormScreen))
        await pilot.pause()
        lines = check_screen(app, DocumentFormScreen, [VISIBLE[0], VISIBLE[4]])
        assert any("Edit quote · QUO-00001-R1 [/]" in line for line in lines)
        form = app.screen
        assert form.query_one("#field-name", Input).value == VISIBLE[0]
        assert form.query_one("#field-account_id", Input).value == VISIBLE[4]
        assert form.query_one("#field-opportunity_id", Input).value == VISIBLE[4]
        assert form.query_one("#field-description", TextArea).text == VISIBLE[1]
        await pilot.press("escape")

        # an order's and an invoice's write-in lines
        for kind, document in (("order", sales["orders"][0]), ("invoice", sales["invoices"][0])):
            await app.open_record(kind, document.id)
            assert await wait_until(pilot, lambda: on_tab(app, "lines"))
            lines = check_screen(app, DocumentDetailScreen, VISIBLE)
            assert any("Total" in line and "600.00" in line for line in lines), kind


async def test_products_price_lists_competitors_and_palette(sales):
    product = sales["products"][4]
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.open_catalogue("sales.products_list", "ProductsScreen")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductsScreen))
        await pilot.pause()
        # names and units; the numbers that fit their narrow column
        lines = check_screen(app, ProductsScreen, VISIBLE)
        numbers = [line.split()[0] for line in lines if line.strip()]
        assert all(VISIBLE[i] in numbers for i in SHORT), numbers
        await palette(pilot, "prodmark", VISIBLE)

        # a toast naming the product
        table = app.screen.table
        table.move_cursor(row=[row["name"] for row in table._rows].index(RAW[4]))
        await pilot.press("X")  # retiring asks first, naming the product literally
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        check_screen(app, ConfirmModal, [VISIBLE[4]])
        await pilot.press("y")
        assert await wait_until(
            pilot, lambda: "click is retired: no new lines can use it." in notes_text(app)
        )
        await toast_shows(pilot, "click is retired")

        await app.open_record("product", product.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductDetailScreen))
        await pilot.pause()
        lines = check_screen(app, ProductDetailScreen, [VISIBLE[4]])
        assert any("click  click  retired" in line for line in lines)
        await tab(pilot, "summary")
        lines = check_screen(app, ProductDetailScreen, [VISIBLE[4], VISIBLE[5], VISIBLE[6]])
        assert labelled(lines, "Number", VISIBLE[4]) and labelled(lines, "Unit", VISIBLE[5])
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductFormScreen))
        await pilot.pause()
        lines = check_screen(app, ProductFormScreen, [VISIBLE[4], VISIBLE[5]])
        assert any("Edit product · click" in line for line in lines)
        assert app.screen.query_one("#field-product_number", Input).value == VISIBLE[4]
        assert app.screen.query_one("#field-description", TextArea).text == VISIBLE[6]
        await pilot.press("escape")
        await pilot.press("escape")  # to area 5, where the product opened
        assert isinstance(app.screen, DocumentsScreen)

        # price lists: every name; the first list's items, their units
        await pilot.press("P")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductsScreen))
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PriceListsScreen))
        await pilot.pause()
        lines = check_screen(app, PriceListsScreen, VISIBLE)
        names = app.screen.query_one("#price-lists")
        names.move_cursor(row=[row["name"] for row in app.screen._lists].index(RAW[0]))
        await pilot.pause()
        assert len(app.screen._items) == 8
        check_screen(app, PriceListsScreen, VISIBLE)
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.pause()
        lines = check_screen(app, FormModal, [])
        assert any("Edit [/]" in line for line in lines)
        assert app.screen.query_one("#field-name", Input).value == VISIBLE[0]
        await pilot.press("escape")
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"prodmark")
        assert await wait_until(
            pilot, lambda: any(f"→ {VISIBLE[0]}" in line for line in screen_lines(app))
        )
        lines = check_screen(app, FormModal, [])
        assert any("Set a price in [/]" in line for line in lines)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.press("escape")

        # competitors: the list, a detail with the deals they are in, the form
        app.open_catalogue("sales.competitors_list", "CompetitorsScreen")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CompetitorsScreen))
        await pilot.pause()
        check_screen(app, CompetitorsScreen, VISIBLE)
        await palette(pilot, "compmark", VISIBLE)
        await app.open_record("competitor", sales["competitors"][0].id)
        await pilot.pause()
        await tab(pilot, "deals")
        lines = check_screen(app, CompetitorDetailScreen, [VISIBLE[0], VISIBLE[4], VISIBLE[6]])
        assert any("won against 0 · lost to 1 · competing in 1 open" in line for line in lines)
        await tab(pilot, "summary")
        lines = check_screen(app, CompetitorDetailScreen, VISIBLE[:5])
        for label, value in (
            ("Website", VISIBLE[1]),
            ("Strengths", VISIBLE[2]),
            ("Weaknesses", VISIBLE[3]),
            ("Notes", VISIBLE[4]),
        ):
            assert labelled(lines, label, value), label
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CompetitorFormScreen))
        await pilot.pause()
        lines = check_screen(app, CompetitorFormScreen, [VISIBLE[0], VISIBLE[1]])
        assert any("Edit competitor · [/]" in line for line in lines)
        assert app.screen.query_one("#field-strengths", TextArea).text == VISIBLE[2]
        await pilot.press("escape")
        check_screen(app, CompetitorDetailScreen, [])
