"""A case: its SLA clocks in the title, details, related cases, timeline,
notes and history; the queue's keys work here too."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.calls import confirm_then, direct
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.support import case_actions
from crm_tui.screens.support.sla_clock import countdown
from crm_tui.services import records, session
from crm_tui.services.support import cases, contracts, sla
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

STATE_STYLE = {"active": "bold green", "resolved": "bold cyan", "canceled": "bold red"}
CLOCK_LABEL = {
    "in_time": "in time",
    "nearing": "nearing",
    "breached": "breached",
    "succeeded": "met",
    "paused": "paused",
}
# "same customer" and "Information provided" whole: the case's title gives way
RELATED_COLUMNS = [
    Column("how", "How", 13, keep_width=True),
    Column("case", "Case", 44),
    Column("status", "Status", 20, keep_width=True),
]


def _case_matches(typed: str) -> list[dict]:
    return cases.find_by_name(typed, limit=5)


class CaseDetailScreen(RecordDetailScreen):
    KIND = "case"
    CSS_PATH = [styles.path("detail.tcss"), styles.path("suggestions.tcss")]
    SERVICE = cases
    EXTRA_TABS = [("related", "Related")]
    FIRST_TAB = "summary"
    BINDINGS = keys.bindings("case_detail")
    # Set by the queue's next-case key: resolving the case goes back to the
    # queue (with the resolved case as the result), where the next one waits.
    back_when_resolved = False

    ACCESS = {
        **RecordDetailScreen.ACCESS,
        "take": "assign",
        "release": "assign",
        "move": "assign",
        "assign": "assign",
        **dict.fromkeys(
            ("resolve", "status", "cancel_case", "reopen", "merge", "contract_line"), "write"
        ),
        "book": "append",
        "link_article": "append",
    }

    @property
    def display_name(self) -> str:
        return f"{self.record.number} {self.record.title}" if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        head = Text.assemble(safe_line(row.number, "bold"), "  ", safe_line(row.title, "bold"))
        tail = Text(f"  {cases.STATUS_LABELS[row.status_reason]}", style=STATE_STYLE[row.state])
        tail.append("   next SLA ", style="dim")
        tail.append_text(countdown({**row.__data__, "state": row.state}))
        return self.fit_title(head, tail)

    def _clock_line(self, due, met) -> str:
        if due is None:
            return ""
        text = display.time(due)
        if met is not None:
            text += f" · met {display.time(met)}" if met <= due else f" · late, {display.time(met)}"
        return text

    def summary_rows(self):
        row = self.record
        clock = sla.clock(row, dt.datetime.now(dt.UTC))
        owner = (
            row.owner.full_name
            if row.assigned
            else f"unassigned (in {row.queue.name if row.queue else 'no queue'})"
        )
        out = [
            ("Customer", cases.customer_name(row)),
            ("Type", f"{cases.TYPES[row.case_type]} · from {cases.ORIGINS[row.origin].lower()}"),
            (
                "Priority",
                f"{cases.PRIORITIES[row.priority]} · severity {cases.SEVERITIES[row.severity].lower()}",
            ),
            ("Subject", row.subject),
            ("Queue", row.queue.name if row.queue else ""),
            ("Worked by", owner),
            (
                "SLA",
                f"{CLOCK_LABEL[clock.state]} ({'first response' if clock.target == 'first_response' else 'resolve'})",
            ),
            ("First response by", self._clock_line(row.first_response_by, row.first_responded_at)),
            ("Resolve by", self._clock_line(row.resolve_by, row.resolved_at)),
            (
                "Contract line",
                contracts.line_label(row.contract_line_id) if row.contract_line_id else "",
            ),
            (
                "Parent case",
                records.title_of("case", row.parent_case_id) if row.parent_case_id else "",
            ),
            (
                "Merged into",
                records.title_of("case", row.merged_into_id) if row.merged_into_id else "",
            ),
        ]
        return [*out, *self.stamp_rows(), ("Description", row.description)]

    def compose_side(self) -> ComposeResult:
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        yield SuggestionPanel(
            keys.fill("{case.link_article} links the highlighted one · enter opens it")
        )

    def refresh_side(self) -> None:
        from crm_tui.services.knowledge import kb, kb_search
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        row = self.record
        linked = kb.linked_articles(self.record_id)
        suggested = kb_search.suggest(
            row.title, row.description, exclude=tuple(a["id"] for a in linked)
        )
        self.query_one(SuggestionPanel).show(linked, suggested)

    def on_resize(self) -> None:
        # the panel would squeeze the tabs on a narrow terminal: K searches instead
        self.query_one("#kb-side").display = self.size.width >= 100

    def on_option_list_option_selected(self, event) -> None:
        if event.option_list.id == "kb-suggestions":
            from crm_tui.screens.knowledge.article_view import ArticleScreen

            self.app.push_screen(ArticleScreen(int(event.option.id), case_id=self.record_id))

    def action_link_article(self) -> None:
        from crm_tui.services.knowledge import kb
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        panel = self.query_one(SuggestionPanel)
        article = panel.articles.current if panel.display else None
        if article is None or article.get("linked"):
            from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
            from crm_tui.services.knowledge import kb_search

            words = kb_search.suggestion_words(self.record.title)[:6]
            self.app.push_screen(KnowledgeScreen(case_id=self.record_id, typed=" OR ".join(words)))
            return
        direct(
            self,
            lambda: kb.link_case(article["id"], self.record_id),
            Text.assemble("Linked ", (article["display_number"], "bold"), "."),
            self._done,
        )

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield Static(
            Text("No related cases.", style="dim"), id="empty-related", classes="empty-hint"
        )
        yield RowsTable(RELATED_COLUMNS, id="related-cases")

    def refresh_extra(self, tab_id: str) -> None:
        found = cases.related(self.record_id)
        rows = [("parent", found["parent"])] if found["parent"] else []
        rows += [("child", r) for r in found["children"]]
        rows += [("same customer", r) for r in found["same_customer"]]
        self.query_one("#empty-related").display = not rows
        self.query_one("#related-cases", RowsTable).show(
            [
                {
                    "key": f"{how}-{row['id']}",
                    "how": Text(how, style="dim"),
                    "case": Text.assemble(
                        safe_line(row["number"], "dim"),
                        " ",
                        safe_line(row["title"]),
                        no_wrap=True,
                        overflow="ellipsis",
                    ),
                    "status": Text(
                        cases.STATUS_LABELS.get(row["status_reason"], row["status_reason"])
                    ),
                }
                for how, row in rows
            ]
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "related-cases":
            routes.open_detail(self.app, "case", int(event.row_key.value.rsplit("-", 1)[1]))

    def edit_screen(self):
        from crm_tui.screens.support.case_form import CaseFormScreen

        return CaseFormScreen(self.record_id)

    def _done(self, result) -> None:
        if result:
            self.refresh_data()

    def action_take(self) -> None:
        case_actions.take(self, self.record, self._done)

    def action_release(self) -> None:
        case_actions.release(self, self.record, self._done)

    def action_move(self) -> None:
        case_actions.move(self, self.record, self._done)

    def _held_by_me(self) -> bool:
        row = self.record
        return bool(row.assigned) and row.owner_id == session.current_user().id

    def key_facts(self) -> tuple:
        row = self.record
        return () if row is None else (self._held_by_me(), row.assigned, row.queue_id)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # While the case is active: one I hold has nothing to take, and one
        # waiting in its queue (or in none) has nothing to release. A closed
        # case's keys are refused by its state, which says why.
        row = self.record
        if row is not None and row.state == "active":
            if action == "take" and self._held_by_me():
                return False
            if action == "release" and (not row.assigned or row.queue_id is None):
                return False
        return super().check_action(action, parameters)

    def show_record(self, record_id: int) -> None:
        super().show_record(record_id)
        self.back_when_resolved = False

    def action_assign(self) -> None:
        case_actions.assign(self, self.record, self._done)

    def action_resolve(self) -> None:
        case_actions.resolve(self, self.record, self._resolved)

    def _resolved(self, result) -> None:
        if result and self.back_when_resolved and self.is_current:
            self.dismiss(result)
        else:
            self._done(result)

    def action_status(self) -> None:
        row = self.record
        options = [(cases.STATUS_LABELS[r], r) for r in cases.ACTIVE_REASONS]
        self.app.push_screen(
            form_modal(
                self.app,
                "Status",
                [FieldSpec("reason", "Status", "select", options)],
                lambda v: cases.set_status(row.id, row.version, v["reason"]),
                values={"reason": row.status_reason if row.state == "active" else "in_progress"},
                intro="On hold and waiting for details stop the SLA clock.",
            ),
            self._done,
        )

    def action_cancel_case(self) -> None:
        row = self.record
        confirm_then(
            self,
            Text.assemble("Cancel ", safe_line(row.number, "bold"), " ", safe_line(row.title), "?"),
            lambda: cases.cancel(row.id, row.version),
            detail=keys.fill("It leaves the queue; {case.reopen} reactivates it."),
            done_text="Case canceled.",
            done=self._done,
        )

    def action_reopen(self) -> None:
        row = self.record
        direct(self, lambda: cases.reactivate(row.id, row.version), "Case reactivated.", self._done)

    def action_merge(self) -> None:
        row = self.record

        def submit(values: dict) -> object:
            if values["target_id"] is None:
                raise CrmError("type the number or title of the case to merge into")
            return cases.merge(row.id, row.version, values["target_id"])

        def merged(result) -> None:
            if result:
                self.app.switch_screen(routes.detail_screen(self.app, "case", result.id))

        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Merge ", "bold"), safe_line(row.number, "bold"), " into…"),
                [FieldSpec("target_id", "Case", "lookup", lookup=_case_matches)],
                submit,
                intro="Its activities and notes move there; this case is canceled as merged.",
                save_label="merge",
            ),
            merged,
        )

    def action_contract_line(self) -> None:
        if self.record.state != "active":
            self.notify("Only an active case's contract line can change.", severity="warning")
            return
        case_actions.attach_contract(self, self.record, self._done)

    def action_book(self) -> None:
        from crm_tui.screens.support.booking_modal import BookingModal
        from crm_tui.services.support import scheduling

        if not scheduling.services():
            self.notify("There are no active services to book yet.", severity="warning")
            return
        label = f"{self.record.number} {self.record.title}"
        self.app.push_screen(
            BookingModal(regarding=("case", self.record_id), regarding_label=label), self._done
        )

    def action_toggle_active(self) -> None:
        self.notify(f"State changes here: {self.state_steps() or 'none'}.")

    def record_actions(self):
        row = self.record
        actions = [
            ("Edit this case", keys.fill("Change its fields ({detail.edit})"), self.action_edit),
            (
                "Log an activity",
                keys.fill("The first outgoing one is the first response ({detail.activity})"),
                self.action_log_activity,
            ),
        ]
        if row is None:
            return actions
        if row.state == "active":
            actions += [
                *case_actions.palette_steps(self),
                (
                    "Change the status",
                    keys.fill("On hold, waiting for details… ({case.status})"),
                    self.action_status,
                ),
                ("Cancel this case", keys.fill("({case.cancel})"), self.action_cancel_case),
                ("Merge into another case", keys.fill("({case.merge})"), self.action_merge),
                (
                    "Book a service",
                    keys.fill("A visit or job for this case ({case.book})"),
                    self.action_book,
                ),
                (
                    "Link a knowledge article",
                    keys.fill("The highlighted suggestion, or search ({case.link_article})"),
                    self.action_link_article,
                ),
                (
                    "Attach a contract line",
                    keys.fill("The customer's entitlement this case uses ({case.contract_line})"),
                    self.action_contract_line,
                ),
            ]
        elif row.status_reason != "merged":
            actions.append(
                (
                    "Reactivate this case",
                    keys.fill("Back to active ({case.reopen})"),
                    self.action_reopen,
                )
            )
        return actions
