"""A campaign: what it came to (the funnel, in the summary), its planned
steps with what each was distributed and sent, its target lists, its
responses, and what it offers; the keys that launch, distribute, send,
log responses and copy it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys
from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.access_keys import keyed
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.marketing import campaign_actions
from crm_tui.screens.marketing.campaign_tabs import (
    LIST_COLUMNS,
    OFFER_COLUMNS,
    RESPONSE_COLUMNS,
    STEP_COLUMNS,
    funnel_rows,
    list_rows,
    offer_rows,
    response_rows,
    step_rows,
)
from crm_tui.screens.marketing.campaigns_list import STATE_STYLE
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    literature,
    responses,
    steps,
)
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable

# transition -> (its key's id under campaign., the screen's action)
_TRANSITION_KEYS = {
    "mark_ready": ("ready", "mark_ready"),
    "launch": ("launch", "launch"),
    "suspend": ("suspend", "suspend"),
    "complete": ("complete", "complete"),
    "cancel": ("cancel", "cancel"),
    "reopen": ("reopen", "reopen"),
}
_ACTIONS = [
    ("Add a marketing list", "Its members are the campaign's ({campaign.add_list})", "add_list"),
    ("Plan a step", "An email, calls, letters … for every member ({campaign.new_step})",
     "new_step"),
    ("Distribute the highlighted step", "One activity per member ({campaign.distribute})",
     "distribute"),
    ("Send the queued email", "Through the SMTP server ({campaign.send})", "send_mail"),
    ("Log a response", "Someone answered ({campaign.response})", "log_response"),
    ("Copy this campaign", "As a template, or a template as a campaign ({campaign.copy})",
     "copy"),
]  # fmt: skip
# a step's batch per frame: keys answer between batches
SCREEN_BATCH = 50
_TABLES = {"steps": "#campaign-steps", "lists": "#campaign-lists",
           "responses": "#campaign-responses", "offer": "#campaign-offer"}  # fmt: skip


def _span(start, end) -> str:
    """The days a campaign ran: from one day, or from one to another."""
    if start and end:
        return f"{display.day(start)} – {display.day(end)}"
    return f"from {display.day(start)}" if start else ""


class CampaignDetailScreen(RecordDetailScreen):
    KIND = "campaign"
    SERVICE = campaigns
    EXTRA_TABS = [("steps", "Steps"), ("lists", "Lists"), ("responses", "Responses"),
                  ("offer", "Offer")]  # fmt: skip
    FIRST_TAB = "summary"
    BINDINGS = keys.bindings("campaign_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("launch", "mark_ready", "suspend", "complete", "cancel", "reopen",
                         "add_list", "new_step", "attach", "remove_row", "copy"), "write"),
        **dict.fromkeys(("log_response", "convert_response"), "append"),
    }  # fmt: skip

    def __init__(self, record_id: int) -> None:
        super().__init__(record_id)
        self._rows: dict[str, list[dict]] = {}
        self._run: distribution.Distribution | None = None
        self._stop = False
        # a quick campaign's step, distributed as soon as its page is shown
        self.distribute_when_shown: int | None = None

    @property
    def display_name(self) -> str:
        return f"{self.record.number} {self.record.name}" if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        head = Text.assemble(safe_line(row.number, "bold"), "  ", safe_line(row.name, "bold"))
        tail = Text()
        if row.is_template:
            tail.append("  template", style="bold magenta")
        else:
            tail.append(f"  {campaigns.STATES[row.state]}", style=STATE_STYLE.get(row.state, ""))
        tail.append(f"   {display.option('campaign', 'campaign_type', row.campaign_type)}",
                    style="dim")  # fmt: skip
        when = " – ".join(display.day(d) for d in (row.proposed_start, row.proposed_end) if d)
        width = (self.size.width or self.app.size.width) - 4
        if when and head.cell_len + tail.cell_len + len(when) + 3 <= width:
            tail.append(f" · {when}", style="dim")
        return self.fit_title(head, tail)

    def summary_rows(self):
        row = self.record
        figures = [] if row.is_template else funnel_rows(self.record_id)
        return [
            *figures,
            ("Actual dates", _span(row.actual_start, row.actual_end)),
            (
                "Expected response",
                "" if row.expected_response is None else f"{row.expected_response}%",
            ),  # fmt: skip
            ("Expected revenue", display.money(row.expected_revenue)),
            ("Offer", row.offer),
            ("Objective", row.objective),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    # --- tabs ------------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        columns = {"steps": STEP_COLUMNS, "lists": LIST_COLUMNS,
                   "responses": RESPONSE_COLUMNS, "offer": OFFER_COLUMNS}[tab_id]  # fmt: skip
        yield Static(id=f"{tab_id}-hint", classes="empty-hint")
        yield RowsTable(columns, id=_TABLES[tab_id].lstrip("#"))

    def refresh_extra(self, tab_id: str) -> None:
        fill = {"steps": self._steps, "lists": self._lists, "responses": self._responses,
                "offer": self._offer}[tab_id]  # fmt: skip
        shown, hint = fill()
        self.query_one(_TABLES[tab_id], RowsTable).show(shown)
        if self._run is None or tab_id != "steps":
            self.query_one(f"#{tab_id}-hint", Static).update(Text(hint, style="dim"))

    def _steps(self) -> tuple[list[dict], str]:
        self._rows["steps"] = steps.of_campaign(self.record_id)
        hint = keys.fill(
            "{campaign.new_step} plans a step · enter changes it · "
            "{campaign.distribute} distributes it · {campaign.send} sends its mail"
        )
        if not self._rows["steps"]:
            hint = keys.fill("No steps yet: {campaign.new_step} plans one (an email, calls, "
                             "letters …) for every member of the lists.")  # fmt: skip
        if self.record.state not in campaigns.OPEN:
            state = campaigns.STATES[self.record.state].lower()
            hint = keys.fill(f"This campaign is {state}: {{campaign.reopen}} reopens it.")
        return step_rows(self._rows["steps"]), hint

    def _lists(self) -> tuple[list[dict], str]:
        self._rows["lists"] = campaign_links.lists_of(self.record_id)
        hint = keys.fill("{campaign.add_list} adds a list · {campaign.remove} removes one · "
                         "enter opens it")  # fmt: skip
        return list_rows(self._rows["lists"]), hint

    def _responses(self) -> tuple[list[dict], str]:
        self._rows["responses"] = responses.of_campaign(self.record_id)
        hint = keys.fill("{campaign.response} logs a response · {campaign.convert} turns the "
                         "highlighted one into a lead")  # fmt: skip
        return response_rows(self._rows["responses"]), hint

    def _offer(self) -> tuple[list[dict], str]:
        items = [{"kind": "product", **p} for p in campaign_links.products_of(self.record_id)]
        items += [
            {
                "kind": "sales_literature",
                "name": r["title"],
                "with": ("campaign", self.record_id),
                **r,
            }
            for r in literature.attached("campaign", self.record_id)
        ]
        for step in steps.of_campaign(self.record_id):
            items += [
                {
                    "kind": "sales_literature",
                    "name": r["title"],
                    "step": step["subject"],
                    "with": ("campaign_activity", step["id"]),
                    **r,
                }
                for r in literature.attached("campaign_activity", step["id"])
            ]
        self._rows["offer"] = items  # fmt: skip
        hint = keys.fill("{campaign.attach} offers a product or literature · "
                         "{campaign.remove} takes it off")  # fmt: skip
        return offer_rows(items), hint

    def _current(self, tab_id: str) -> dict | None:
        self.ready_tab(tab_id)
        rows = self._rows.get(tab_id) or []
        if not rows:
            return None
        table = self.query_one(_TABLES[tab_id], DataTable)
        return rows[min(table.cursor_row, len(rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        tab = next((t for t, css in _TABLES.items() if css == f"#{event.data_table.id}"), None)
        if tab is None:
            return
        row = self._current(tab)
        if row is None:
            return
        if tab == "steps":
            campaign_actions.edit_step(self, self.record, row, self._changed)
        elif tab == "lists":
            routes.open_detail(self.app, "marketing_list", row["id"])
        elif tab == "responses":
            if row["lead_id"]:
                routes.open_detail(self.app, "lead", row["lead_id"])
        elif tab == "offer":
            routes.open_detail(self.app, row["kind"], row["id"])

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        step_id, self.distribute_when_shown = self.distribute_when_shown, None
        if step_id is not None:
            self.call_after_refresh(self._distribute, step_id)

    def _changed(self, result) -> None:
        if result:
            self.refresh_data()

    # --- state -----------------------------------------------------------------

    def _move(self, call, done: str) -> None:
        row = self.record
        calls.direct(self, lambda: call(row.id, row.version), done, self._changed)

    def action_launch(self) -> None:
        self._move(campaigns.launch, "Launched: its steps can be distributed.")

    def action_mark_ready(self) -> None:
        self._move(campaigns.mark_ready, "Ready to launch.")

    def action_suspend(self) -> None:
        self._move(campaigns.suspend, "Suspended: nothing is distributed or sent meanwhile.")

    def action_complete(self) -> None:
        self._move(campaigns.complete, "Completed.")

    def action_reopen(self) -> None:
        self._move(campaigns.reopen, "Reopened as proposed.")

    def action_cancel(self) -> None:
        row = self.record
        calls.confirm_then(
            self,
            Text.assemble("Cancel ", safe_line(self.display_name, "bold"), "?"),
            lambda: campaigns.cancel(row.id, row.version),
            detail="Its queued emails are canceled too; it can be reopened.",
            done_text="Campaign canceled.",
        )

    def action_toggle_active(self) -> None:
        self.notify(keys.fill("{campaign.complete} completes, {campaign.cancel} cancels, "
                              "{campaign.reopen} reopens a campaign."))  # fmt: skip

    # --- what it holds ------------------------------------------------------------

    def action_add_list(self) -> None:
        campaign_actions.add_list(self, self.record, self._changed)

    def action_new_step(self) -> None:
        campaign_actions.edit_step(self, self.record, None, self._changed)

    def action_attach(self) -> None:
        campaign_actions.attach(self, self.record, self._changed)

    def action_log_response(self) -> None:
        campaign_actions.log_response(self, self.record, self._changed)

    def action_convert_response(self) -> None:
        row = self._current("responses")
        if row is None:
            self.notify(keys.fill("No response yet: {campaign.response} logs one."))
            return
        if row["lead_id"] or row["state"] != "open":
            self.notify("This response was converted or closed already.", severity="warning")
            return
        campaign_actions.convert(self, row, self._changed)

    def action_copy(self) -> None:
        def opened(copy) -> None:
            if copy:
                routes.open_detail(self.app, "campaign", copy.id)

        campaign_actions.copy(self, self.record, opened)

    def action_remove_row(self) -> None:
        tab = self.shown_tab
        row = self._current(tab) if tab in ("lists", "offer") else None
        if row is None:
            self.notify("Highlight a list (Lists tab) or an offer (Offer tab) to remove it.")
            return
        campaign_id = self.record_id
        if tab == "lists":
            call = lambda: campaign_links.remove_list(campaign_id, row["id"])  # noqa: E731
        elif row["kind"] == "product":
            call = lambda: campaign_links.remove_product(campaign_id, row["id"])  # noqa: E731
        else:
            call = lambda: literature.detach(row["id"], *row["with"])  # noqa: E731
        calls.confirm_then(self, Text.assemble("Remove ", safe_line(row["name"], "bold"),
                                               " from this campaign?"), call)  # fmt: skip

    # --- distributing and sending ------------------------------------------------

    def action_distribute(self) -> None:
        if self._run is not None:
            return
        step = self._current("steps")
        if step is None:
            self.notify(keys.fill("No step yet: {campaign.new_step} plans one."))
            return
        self._distribute(step["id"])

    def _distribute(self, step_id: int) -> None:
        def started(run) -> None:
            if run.total == 0:
                self.notify("Every member of the lists has this step already.")
                return
            self._run, self._stop = run, False
            self.switch_tab("steps")
            self._progress()
            self.set_timer(0.01, self._tick)

        calls.direct(self, lambda: distribution.start(step_id), "", started)

    def _tick(self) -> None:
        run = self._run
        if run is None:
            return
        try:
            more = run.step(SCREEN_BATCH)
        except Exception as exc:
            refusal = calls.as_refusal(exc)
            if refusal is None:
                raise
            self._finish(f"stopped: {refusal}")
            return
        self._progress()
        if more and not self._stop:
            self.set_timer(0.01, self._tick)
        else:
            self._finish("stopped at your request; a run again adds the rest" if more else "")

    def _progress(self) -> None:
        run = self._run
        total = max(run.total, 1)
        filled = round(24 * run.done / total)
        self.query_one("#steps-hint", Static).update(Text.assemble(
            ("Distributing ", "bold"), ("━" * filled, "green"), ("━" * (24 - filled), "dim"),
            f" {run.done:,} of {run.total:,}",
            (keys.fill(" · {screen.back} stops"), "dim"),
        ))  # fmt: skip

    def _finish(self, stopped: str) -> None:
        run, self._run = self._run, None
        said = f"{run.created:,} activities made, {run.suppressed:,} members suppressed"
        self.notify(f"{said}; {stopped}." if stopped else f"{said}.",
                    severity="warning" if stopped else "information")  # fmt: skip
        self._read_at = None
        self.refresh_data()

    def action_back(self) -> None:
        if self._run is not None:
            self._stop = True
            return
        super().action_back()

    def action_send_mail(self) -> None:
        from crm_tui.screens.marketing.mail_run import send_now

        send_now(self)

    def record_actions(self):
        """The palette's actions on this campaign: its legal state changes
        and what its keys do, each offered only when allowed."""
        if self.record is None:
            return super().record_actions()
        machine = campaigns.MACHINE
        actions = [
            (move.label, f"{campaigns.STATES[move.target]} ({keys.key(f'campaign.{key}')})",
             keyed(action, getattr(self, f"action_{action}")))
            for move in machine.transitions
            if self.record.state in move.sources and not self.record.is_template
            for key, action in [_TRANSITION_KEYS[move.name]]
        ]  # fmt: skip
        actions += [
            (title, keys.fill(help_text), keyed(action, getattr(self, f"action_{action}")))
            for title, help_text, action in _ACTIONS
        ]
        return [*actions, *super().record_actions()]

    def edit_screen(self):
        from crm_tui.screens.marketing.campaign_form import CampaignFormScreen

        return CampaignFormScreen(self.record_id)
