"""Sales literature (Dynamics' sales literature): brochures, spec sheets,
price sheets and the like, each with its files (literature_items.py), the
products and competitors it is about, found by its title, subject,
keywords and the words of its files, and sent with campaigns and emails."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound
from crm_tui.meta.marketing import LITERATURE_TYPES
from crm_tui.models import Competitor, Product, SalesLiterature, User
from crm_tui.services import access, records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

FIELDS = [
    "title", "literature_type", "subject", "keywords", "expires_on", "employee_contact_id",
    "description", "owner_id",
]  # fmt: skip
# what literature is sent with (literature_link.record_type)
SENT_WITH = ("campaign", "campaign_activity", "activity")

LIST = ListSpec(
    kind="sales_literature",
    table="sales_literature s",
    columns=(
        "s.id AS id, s.title AS name, s.title AS title, s.literature_type AS literature_type, "
        "s.subject AS subject, s.expires_on AS expires_on, s.state AS state, "
        "s.version AS version, u.full_name AS owner, s.modified_at AS modified_at, "
        "(SELECT count(*) FROM literature_item i WHERE i.literature_id = s.id) AS items"
    ),
    joins='JOIN "user" u ON u.id = s.owner_id',
    views={
        "active": "s.state = 'active'",
        "inactive": "s.state = 'inactive'",
        "all": "TRUE",
    },
    sorts={"name": Sort("s.title_sort"), "modified": Sort("s.modified_at", descending=True)},
)
VIEWS = {"active": "Literature", "inactive": "Retired literature", "all": "All literature"}


class LiteratureRow(TypedDict):
    """A row of the sales literature list."""

    id: int
    name: str  # the title, as every list names its rows
    title: str
    literature_type: str
    subject: str
    expires_on: str | None
    state: str
    version: int
    owner: str
    modified_at: str
    items: int


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("title", required=creating or c.has("title"), max_len=200)
    if c.has("literature_type"):
        c.choice("literature_type", LITERATURE_TYPES)
    c.text("subject", max_len=200)
    c.text("keywords", max_len=1000)
    c.date("expires_on", label="expires on")
    c.reference("employee_contact_id", User, "choose a user as the employee contact")
    c.text("description", max_len=4000, multiline=True)
    c.owner(store_as="owner")
    values = c.done()
    if "title" in values:
        values["title_sort"] = text.sort_key(values["title"])
    return values


def create(data: dict) -> SalesLiterature:
    """Add literature: title, type, subject, keywords, expiry, employee contact."""
    values = _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        new_id = records.create("sales_literature", values, owner_id=owner)
        search.index("sales_literature", new_id)
    return get(new_id)


def get(literature_id: int) -> SalesLiterature:
    """One piece of literature; NotFound if it does not exist."""
    row = records.by_id(SalesLiterature, literature_id)
    if row is None:
        raise NotFound(f"sales literature #{literature_id} does not exist")
    return records.readable("sales_literature", row)


def update(literature_id: int, version: int, data: dict) -> SalesLiterature:
    """Save changed fields if nobody saved since `version`; else ConflictError."""
    values = _check(data, creating=False)
    with write():
        changes = records.update_versioned("sales_literature", literature_id, version, values)
        if search.changed_words(changes, {"title", "subject", "keywords"}):
            search.index("sales_literature", literature_id)
    return get(literature_id)


def deactivate(literature_id: int, version: int) -> SalesLiterature:
    """Retire literature: it is no longer offered to send."""
    records.set_state("sales_literature", literature_id, version, "inactive")
    return get(literature_id)


def reactivate(literature_id: int, version: int) -> SalesLiterature:
    """Offer retired literature again."""
    records.set_state("sales_literature", literature_id, version, "active")
    return get(literature_id)


def page(**options) -> Page[LiteratureRow]:
    """A page of the sales literature list; free words search the files' text too."""
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10, *, view: str = "active") -> list[LiteratureRow]:
    """Best matches for `typed` (the palette and the pickers)."""
    return page(view=view, query=typed, limit=limit).rows


# --- what it is about ------------------------------------------------------------------

_ABOUT = {"product": ("literature_product", "product_id", Product),
          "competitor": ("literature_competitor", "competitor_id", Competitor)}  # fmt: skip


def link_about(literature_id: int, kind: str, record_id: int) -> None:
    """Say the literature is about a product or a competitor (audited on it)."""
    table, column, model = _ABOUT[kind]
    with write():
        row = get(literature_id)
        access.require("write", "sales_literature", row.owner_id)
        if not records.exists(model, record_id):
            raise NotFound(f"{kind} #{record_id} does not exist")
        name = records.title_of(kind, record_id)
        done = database.execute_sql(
            f"INSERT INTO {table} (literature_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT DO NOTHING RETURNING {column}",
            (literature_id, record_id),
        ).fetchone()
        if done is None:
            raise DomainError(f"this literature is already about {name}")
        records.audit("sales_literature", literature_id, f"{kind} linked", {kind: (None, name)})


def unlink_about(literature_id: int, kind: str, record_id: int) -> None:
    """Take a product or competitor off the literature."""
    table, column, _ = _ABOUT[kind]
    with write():
        row = get(literature_id)
        access.require("write", "sales_literature", row.owner_id)
        name = records.title_of(kind, record_id)
        done = database.execute_sql(
            f"DELETE FROM {table} WHERE literature_id = ? AND {column} = ? RETURNING {column}",
            (literature_id, record_id),
        ).fetchone()
        if done is None:
            raise DomainError(f"this literature is not about {name}")
        records.audit("sales_literature", literature_id, f"{kind} unlinked", {kind: (name, None)})


def about(literature_id: int) -> list[dict]:
    """The products and competitors the literature is about: kind, id, name."""
    return dict_rows(
        "SELECT 'product' AS kind, p.id AS id, p.name AS name FROM literature_product lp "
        "JOIN product p ON p.id = lp.product_id WHERE lp.literature_id = ? UNION ALL "
        "SELECT 'competitor', c.id, c.name FROM literature_competitor lc "
        "JOIN competitor c ON c.id = lc.competitor_id WHERE lc.literature_id = ? "
        "ORDER BY 1, 3",
        (literature_id, literature_id),
    )


# --- sent with ---------------------------------------------------------------------------


def attach(literature_id: int, record_type: str, record_id: int) -> None:
    """Send active literature with a campaign, a campaign step or one email
    (the person needs to append it, and to change what it is attached to)."""
    if record_type not in SENT_WITH:
        raise DomainError(f"literature is sent with a {', '.join(SENT_WITH)}")
    with write():
        row = get(literature_id)
        if row.state != "active":
            raise DomainError(f"{row.title} is inactive; reactivate it to send it")
        access.require("append", "sales_literature", row.owner_id)
        owner = records.owner_of(record_type, record_id)
        access.require("write", record_type, owner)
        done = database.execute_sql(
            "INSERT INTO literature_link (literature_id, record_type, record_id) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING literature_id",
            (literature_id, record_type, record_id),
        ).fetchone()
        if done is None:
            raise DomainError(f"{row.title} is already attached")
        records.audit(
            record_type, record_id, "literature attached", {"literature": (None, row.title)}
        )


def detach(literature_id: int, record_type: str, record_id: int) -> None:
    """Stop sending literature with a record."""
    with write():
        owner = records.owner_of(record_type, record_id)
        access.require("write", record_type, owner)
        title = records.title_of("sales_literature", literature_id)
        done = database.execute_sql(
            "DELETE FROM literature_link WHERE literature_id = ? AND record_type = ? "
            "AND record_id = ? RETURNING literature_id",
            (literature_id, record_type, record_id),
        ).fetchone()
        if done is None:
            raise DomainError(f"{title} is not attached")
        records.audit(record_type, record_id, "literature detached", {"literature": (title, None)})


def attached(record_type: str, record_id: int) -> list[dict]:
    """The literature sent with a record: id, title, type, items."""
    return dict_rows(
        "SELECT s.id AS id, s.title AS title, s.literature_type AS literature_type, "
        "s.state AS state, (SELECT count(*) FROM literature_item i "
        "WHERE i.literature_id = s.id) AS items FROM literature_link l "
        "JOIN sales_literature s ON s.id = l.literature_id "
        "WHERE l.record_type = ? AND l.record_id = ? ORDER BY s.title_sort, s.id",
        (record_type, record_id),
    )
