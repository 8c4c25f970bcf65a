"""A piece of sales literature: its files (+ add, S save, - remove), the
products and competitors it is about (b links one), and its timeline."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError, DomainError
from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.services import dates, records, users
from crm_tui.services.marketing import literature, literature_items
from crm_tui.services.sales import competitors, products
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

FILE_COLUMNS = [
    Column("title", "Title", 28),
    Column("file_name", "File", 24),
    Column("size", "Size", 8, keep_width=True, right=True),
    # "searchable": the words of the file find the literature
    Column("text", "Text", 10, keep_width=True),
    Column("added", "Added", 17, keep_width=True, min_table_width=100),
]
ABOUT_COLUMNS = [
    Column("kind", "Kind", 10, keep_width=True),
    Column("name", "Name", 40),
]
KIND_LABELS = {"product": "Product", "competitor": "Competitor"}
HINTS = {
    "files": "{literature.add_file} add a file · enter details · "
    "{notes.save_attachment} save it · {literature.remove_file} remove it",
    "about": "{literature.about} link a product or competitor · enter open · "
    "{literature.remove_file} take it off",
}
EMPTY = {
    "files": "No files yet: {literature.add_file} adds one (a PDF's or a text's words "
    "find the literature).",
    "about": "Not about any product or competitor yet: {literature.about} links one.",
}


def size_text(size: int) -> str:
    """A file's size as a person reads it: 512 B, 12.4 KB, 3.1 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def expired(day) -> bool:
    """Whether an expiry day (a date or its ISO text) is past."""
    return bool(day) and str(day) < dates.today().isoformat()


def _file_call(call):
    """A service call that reads or writes a file of the person's: what the
    file system refuses (no such folder, no permission) is said, not raised."""

    def run():
        try:
            return call()
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise DomainError(f"{where}{exc.strerror or exc}") from exc

    return run


def _about_matches(typed: str) -> list[dict]:
    """Products and competitors named like `typed`, taken in turn, for the picker."""
    found = [
        [{"id": ("product", r["id"]), "name": f"{r['name']} (product)"}
         for r in products.find_by_name(typed, limit=5)],
        [{"id": ("competitor", r["id"]), "name": f"{r['name']} (competitor)"}
         for r in competitors.find_by_name(typed, limit=5)],
    ]  # fmt: skip
    merged = []
    for index in range(5):
        merged += [rows[index] for rows in found if index < len(rows)]
    return merged[:5]


class LiteratureDetailScreen(RecordDetailScreen):
    KIND = "sales_literature"
    SERVICE = literature
    CSS_PATH = [styles.path("detail.tcss"), styles.path("marketing.tcss")]
    EXTRA_TABS = [("files", "Files"), ("about", "About")]
    FIRST_TAB = "files"
    BINDINGS = keys.bindings("literature_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("add_file", "remove_file", "about"), "write"),
    }

    def __init__(self, record_id: int) -> None:
        super().__init__(record_id)
        self._items: list[dict] = []
        self._about: list[dict] = []

    def show_record(self, record_id: int) -> None:
        super().show_record(record_id)
        self._items, self._about = [], []

    @property
    def display_name(self) -> str:
        return self.record.title if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        tail = Text()
        kind = display.option("sales_literature", "literature_type", row.literature_type)
        if kind:
            tail.append(f"  {kind}", style="dim")
        if expired(row.expires_on):
            tail.append("  expired", style="bold red")
        if row.state != "active":
            tail.append("  inactive", style="bold red")
        return self.fit_title(safe_line(row.title, "bold"), tail)

    def summary_rows(self):
        row = self.record
        expires: Text | str = ""
        if row.expires_on:
            expires = Text(display.day(row.expires_on))
            if expired(row.expires_on):
                expires.append("  expired", style="bold red")
        about = self._about_summary(literature.about(self.record_id))
        return [
            ("Type", display.option("sales_literature", "literature_type", row.literature_type)),
            ("Subject", row.subject),
            ("Keywords", row.keywords),
            ("Expires", expires or Text("never", style="dim")),
            ("Employee contact", users.name_of(row.__data__.get("employee_contact"))),
            ("About", about),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    @staticmethod
    def _about_summary(rows: list[dict]) -> Text | str:
        parts = []
        for kind, label in (("product", "Products"), ("competitor", "Competitors")):
            names = [r["name"] for r in rows if r["kind"] == kind]
            if names:
                parts.append(Text.assemble(f"{label}: ", safe_line(", ".join(names))))
        return Text(" · ").join(parts) if parts else ""

    def edit_screen(self):
        from crm_tui.screens.marketing.literature_form import LiteratureFormScreen

        return LiteratureFormScreen(self.record_id)

    # --- tabs ------------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield Static(id=f"lit-{tab_id}-hint", classes="empty-hint")
        yield RowsTable(FILE_COLUMNS if tab_id == "files" else ABOUT_COLUMNS, id=f"lit-{tab_id}")

    def refresh_extra(self, tab_id: str) -> None:
        if tab_id == "files":
            self._items = literature_items.items_of(self.record_id)
            rows, shown = self._items, [self._file_cells(item) for item in self._items]
        else:
            self._about = literature.about(self.record_id)
            rows, shown = self._about, [self._about_cells(row) for row in self._about]
        self.query_one(f"#lit-{tab_id}", RowsTable).show(shown)
        hint = keys.fill(HINTS[tab_id] if rows else EMPTY[tab_id])
        self.query_one(f"#lit-{tab_id}-hint", Static).update(Text(hint, style="dim"))

    @staticmethod
    def _file_cells(item: dict) -> dict:
        searchable = Text("searchable", style="green") if item["has_text"] else Text("—", "dim")
        return {
            "key": str(item["id"]),
            "title": safe_line(item["title"]),
            "file_name": safe_line(item["file_name"], "dim"),
            "size": Text(size_text(item["size"]), justify="right"),
            "text": searchable,
            "added": Text(display.time(item["added_at"]), style="dim"),
        }

    @staticmethod
    def _about_cells(row: dict) -> dict:
        return {
            "key": f"{row['kind']}:{row['id']}",
            "kind": Text(KIND_LABELS.get(row["kind"], row["kind"]), style="dim"),
            "name": safe_line(row["name"]),
        }

    def _current(self, tab_id: str) -> dict | None:
        """The highlighted row of the Files or About tab, its rows read first
        if stale; None when the tab is not on screen or has no rows."""
        if self.shown_tab != tab_id or not self.tab_built(tab_id):
            return None
        self.ready_tab(tab_id)
        rows = self._items if tab_id == "files" else self._about
        if not rows:
            return None
        table = self.query_one(f"#lit-{tab_id}", DataTable)
        return rows[min(table.cursor_row, len(rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "lit-about":
            kind, record_id = str(event.row_key.value).split(":")
            routes.open_detail(self.app, kind, int(record_id))
        elif event.data_table.id == "lit-files":
            item = self._current("files")
            if item is not None:
                self._show_file(item)

    def _show_file(self, item: dict) -> None:
        """Enter on a file: what it is, in a toast."""
        shown = Text.assemble(safe_line(item["title"], "bold"), "\n")
        if item["file_name"] != item["title"]:
            shown.append_text(Text.assemble(safe_line(item["file_name"]), "\n"))
        shown.append(f"{size_text(item['size'])} · ")
        shown.append_text(safe_line(item["mime"]))
        shown.append(f" · added {display.time(item['added_at'])}\n")
        if item["has_text"]:
            shown.append("searchable: its words find this literature\n")
        else:
            shown.append("not searchable: only a PDF's or a text file's words are read\n", "dim")
        shown.append(keys.fill("{notes.save_attachment} saves a copy."))
        self.notify(shown, title="File")

    # --- keys ------------------------------------------------------------------

    def action_add_file(self) -> None:
        record_id = self.record_id

        def added(item: dict) -> None:
            self.notify(Text.assemble("Added ", safe_line(item["file_name"], "bold"), "."))
            self.refresh_data()
            self.switch_tab("files")

        def answer(typed: str | None) -> None:
            path = (typed or "").strip()
            if path:
                calls.direct(
                    self,
                    _file_call(lambda: literature_items.add(record_id, Path(path).expanduser())),
                    "",
                    added,
                )

        self.app.push_screen(
            PromptModal(
                "Add which file? (its path; ~ is your home folder)",
                placeholder="~/Documents/brochure.pdf",
            ),
            answer,
        )

    def action_remove_file(self) -> None:
        if self.shown_tab == "about":
            self._unlink_about()
            return
        item = self._current("files")
        if item is None:
            self.notify("Open the Files tab and highlight a file first.")
            return
        calls.confirm_then(
            self,
            Text.assemble("Remove ", safe_line(item["file_name"], "bold"), "?"),
            lambda: literature_items.remove(item["id"]),
            detail="Copies saved elsewhere stay.",
            done_text="File removed.",
        )

    def _unlink_about(self) -> None:
        row = self._current("about")
        if row is None:
            self.notify("Highlight a product or competitor on the About tab first.")
            return
        noun = row["kind"]
        calls.confirm_then(
            self,
            Text.assemble(
                "Take ", safe_line(row["name"], "bold"), f" ({noun}) off this literature?"
            ),
            lambda: literature.unlink_about(self.record_id, row["kind"], row["id"]),
            done_text=f"No longer about this {noun}.",
        )

    def action_save_attachment(self) -> None:
        if self.shown_tab == "notes":
            super().action_save_attachment()
            return
        item = self._current("files")
        if item is None:
            self.notify(
                "Open the Files tab and highlight a file (or a note's attachment on Notes)."
            )
            return

        def answer(typed: str | None) -> None:
            dest = (typed or "").strip()
            if not dest:
                return
            calls.direct(
                self,
                _file_call(lambda: literature_items.save(item["id"], Path(dest).expanduser())),
                "",
                lambda saved: self.notify(Text.assemble("Saved to ", safe_line(str(saved)))),
            )

        self.app.push_screen(
            PromptModal(
                f"Save {item['file_name']} to which folder or file?", value=str(Path.home())
            ),
            answer,
        )

    def action_about(self) -> None:
        spec = FieldSpec(
            "about", "About", "lookup", lookup=_about_matches,
            placeholder="type a product's or a competitor's name",
        )  # fmt: skip
        record_id = self.record_id

        def submit(values: dict) -> object:
            if values["about"] is None:
                raise CrmError("type a product's or a competitor's name")
            kind, about_id = values["about"]
            literature.link_about(record_id, kind, about_id)
            return Text.assemble(
                "Now about ", safe_line(records.title_of(kind, about_id), "bold"), "."
            )

        def done(linked) -> None:
            if linked:
                self.notify(linked)
                self.refresh_data()
                self.switch_tab("about")

        self.app.push_screen(
            form_modal(
                self.app, "What is this literature about?", [spec], submit, save_label="link"
            ),
            done,
        )

    def record_actions(self):
        return [
            *super().record_actions(),
            ("Add a file", keys.fill("A PDF, text or any file ({literature.add_file})"),
             self.action_add_file),
            ("Link a product or competitor", keys.fill("What it is about ({literature.about})"),
             self.action_about),
        ]  # fmt: skip
