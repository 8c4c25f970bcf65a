"""Acting on many rows of a list at once: space marks the highlighted row,
shift+↓/↑ mark and move, `*` marks everything the view and filter match
(after saying how many), and `B` applies one action to the marked records:
assign, set a field, deactivate or reactivate, export them to a file, or
(accounts, contacts, leads) add them to a static marketing list.

The records are written a few at a time between frames, each in its own
transaction (services/bulk.py), with a progress bar in the status line;
those left as they were are listed by name with the reason at the end.
Mixed into RecordListScreen."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.errors import CrmError, DatabaseFault, ValidationError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.screens.common import calls
from crm_tui.services import bulk, users
from crm_tui.text import safe_line

# Records written between two frames of a long run.
PER_TICK = 20
# `*` marks at most this many (read a page at a time).
MARK_ALL_LIMIT = 10_000
MARK_PAGE = 1000
# Kinds a marketing list holds: their marked records can be added to one.
LIST_MEMBER_KINDS = tuple(MEMBER_TYPES)


class BulkMarks:
    _run: dict | None = None

    def marked_count(self) -> int:
        return len(self.table.marked)

    def _marks_changed(self) -> None:
        self._show_status()

    def action_mark(self) -> None:
        row = self.table.current_row
        if row is not None:
            self.table.set_mark(row, row["id"] not in self.table.marked)
            self._marks_changed()

    def _mark_and_move(self, step: int) -> None:
        row = self.table.current_row
        if row is None:
            return
        self.table.set_mark(row, True)
        self.table.move_cursor(row=self.table.cursor_row + step)
        self._marks_changed()

    def action_mark_down(self) -> None:
        self._mark_and_move(1)

    def action_mark_up(self) -> None:
        self._mark_and_move(-1)

    def _matching(self) -> dict[int, int]:
        found: dict[int, int] = {}
        after = None
        while len(found) < MARK_ALL_LIMIT:
            page = self._fetch(after=after, limit=MARK_PAGE)
            found.update((r["id"], r.get("version", 0)) for r in page.rows)
            if not page.more_after or not page.rows:
                break
            after = page.keys[-1]
        return found

    def action_mark_all(self) -> None:
        from crm_tui.screens.common.confirm import ConfirmModal

        if self.table.marked:
            self.table.clear_marks()
            self._marks_changed()
            self.notify("Marks cleared.")
            return
        found = calls.loaded(self, self._matching)
        if not found:
            return
        plural = display.kind_label(self.KIND, plural=True).lower()
        limit = len(found) >= MARK_ALL_LIMIT
        question = f"Mark {'the first ' if limit else 'all '}{len(found):,} {plural} shown here?"
        detail = (
            f"At most {MARK_ALL_LIMIT:,} are marked at once: narrow the filter for the rest."
            if limit
            else ""
        )

        def answer(yes: bool) -> None:
            if yes:
                self.table.mark_all(found)
                self._marks_changed()

        self.app.push_screen(ConfirmModal(question, detail), answer)

    # --- the action -------------------------------------------------------------

    def action_bulk(self) -> None:
        from crm_tui.screens.common.form_modal import form_modal
        from crm_tui.widgets.record_form import FieldSpec

        if self.KIND not in bulk.SERVICES:
            plural = display.kind_label(self.KIND, plural=True)
            self.notify(f"{plural} are changed one at a time.", severity="warning")
            return
        if not self.table.marked:
            self.notify(keys.fill("Nothing is marked: {list.mark} marks a row, "
                                  "{list.mark_all} all that match."))  # fmt: skip
            return
        fields = [(a.label, a.name) for a in bulk.settable(self.KIND)]
        people = [(u.full_name, u.id) for u in users.all_users()]
        actions = [*((v, k) for k, v in bulk.ACTIONS.items()), ("Export to a file", "export")]
        plural = display.kind_label(self.KIND, plural=True).lower()
        specs = [
            FieldSpec("action", "Action", "select", actions),
            FieldSpec("owner", "Assign to", "select", people),
            FieldSpec("field", "Field to set", "select", fields),
            FieldSpec("value", "New value", placeholder="as the form takes it; a choice by name"),
            FieldSpec("file", "Export to", placeholder=f"e.g. ~/{plural}.csv (or .json)"),
        ]
        if self.KIND in LIST_MEMBER_KINDS:  # which list: asked next (_pick_list)
            actions.append(("Add to a marketing list", "add_to_list"))

        def chosen(values: dict) -> dict:
            action = values.get("action")
            if action == "assign" and not values.get("owner"):
                raise ValidationError({"owner": "choose who the records go to"})
            if action == "set" and not values.get("field"):
                raise ValidationError({"field": "choose the field to set"})
            if action == "export":
                return {**values, "written": self._export_marked(values.get("file") or "")}
            return values

        count = len(self.table.marked)
        title = f"{count:,} marked {display.kind_label(self.KIND, plural=True).lower()}"
        self.app.push_screen(
            form_modal(
                self.app,
                title,
                specs,
                chosen,
                values={"action": "assign"},
                save_label="apply to all",
                intro="Each record is changed as its own form would "
                "change it; those that cannot be are listed at the end.",
            ),
            self._start,
        )

    def _export_marked(self, typed: str) -> tuple[int, str]:
        """Write the marked records, in the list's order, to a new file."""
        from crm_tui.services import export

        # in the list's order; marks beyond the rows read so far (`*`) after them
        ids = [row["id"] for row in self.table.loaded_rows if row["id"] in self.table.marked]
        seen = set(ids)
        ids += [i for i in self.table.marked if i not in seen]
        return export.to_new_file(export.name_of(self.KIND), typed, ids)

    # --- adding to a marketing list ----------------------------------------------

    def _static_lists(self) -> dict[int, str]:
        """The active static marketing lists of this kind, by name (id -> name)."""
        from crm_tui.services.marketing import lists

        page = lists.page(view="active", query=f"member_type:{self.KIND} dynamic:no", limit=500)
        return {
            r["id"]: r["name"]
            for r in page.rows
            if r["member_type"] == self.KIND and not r["dynamic"]
        }

    def _pick_list(self) -> None:
        """Ask which active static list of this kind the marked records join,
        then add them (a refusal stays in the form)."""
        from crm_tui.screens.common.form_modal import form_modal
        from crm_tui.widgets.record_form import FieldSpec

        static_lists = calls.loaded(self, self._static_lists)
        if static_lists is None:
            return
        plural = display.kind_label(self.KIND, plural=True).lower()
        if not static_lists:
            self.notify(keys.fill(f"There is no active static list of {plural}: "
                                  "{area.marketing} then {marketing.lists} makes one."),
                        severity="warning")  # fmt: skip
            return
        choices = [(name, list_id) for list_id, name in static_lists.items()]
        self.app.push_screen(
            form_modal(
                self.app,
                f"Add {len(self.table.marked):,} marked {plural} to a marketing list",
                [FieldSpec("list", "Marketing list", "select", choices)],
                lambda values: self._add_to_list(static_lists, values.get("list")),
                save_label="add them",
                intro=f"Active static lists of {plural}; each member is on a list once.",
            ),
            self._added_to_list,
        )

    def _add_to_list(self, static_lists: dict[int, str], chosen) -> tuple[int, int, str]:
        """Add the marked records to the chosen list: (added, marked, its name)."""
        from crm_tui.services.marketing import list_members

        if not chosen or int(chosen) not in static_lists:
            raise ValidationError({"list": "choose the list to add them to"})
        ids = list(self.table.marked)
        added = list_members.add(int(chosen), ids)
        return added, len(ids), static_lists[int(chosen)]

    def _added_to_list(self, result: tuple[int, int, str] | None) -> None:
        if not result:
            return
        added, marked, name = result
        said = Text(f"{added:,} added to ")
        said.append_text(safe_line(name))
        if added < marked:
            said.append(f"; {marked - added:,} already on it")
        self.notify(said.append("."))
        self.table.clear_marks()
        self._marks_changed()

    def _start(self, choice: dict | None) -> None:
        if not choice:
            return
        if choice.get("action") == "export":
            count, path = choice["written"]
            self.notify(Text(f"Exported {count:,} to {path}."))
            return
        if choice.get("action") == "add_to_list":
            self._pick_list()
            return
        self._run = {
            "action": choice["action"],
            "value": choice.get("owner") if choice["action"] == "assign" else choice.get("value"),
            "field": choice.get("field") or "",
            "todo": list(self.table.marked.items()),
            "total": len(self.table.marked),
            "outcome": bulk.Outcome(),
        }
        self._show_status()
        self.set_timer(0.01, self._tick)

    def _tick(self) -> None:
        run = self._run
        if run is None:
            return
        batch, run["todo"] = run["todo"][:PER_TICK], run["todo"][PER_TICK:]
        try:
            named = bulk.titles(self.KIND, [record_id for record_id, _ in batch])
            for record_id, version in batch:
                bulk.apply_one(run["outcome"], self.KIND, run["action"], record_id, version,
                               value=run["value"], field_name=run["field"],
                               title=named.get(record_id))  # fmt: skip
                self.table.marked.pop(record_id, None)
        except (DatabaseFault, CrmError) as exc:
            run["stopped"] = str(exc)
            run["todo"] = []
        if run["todo"]:
            self._show_status()
            self.set_timer(0.01, self._tick)
        else:
            self._finish()

    def _finish(self) -> None:
        from crm_tui.screens.common.report_modal import ReportModal

        run, self._run = self._run, None
        outcome = run["outcome"]
        if run.get("stopped"):
            # what was not reached stays marked, to be tried again with B
            self.table.redraw_marks()
        else:
            self.table.clear_marks()
        self.refresh_data()
        said = Text(f"{bulk.ACTIONS[run['action']]}: {outcome.summary()}.")
        if run.get("stopped"):
            said.append(f" Stopped: {run['stopped']}")  # a fault's words, never markup
        self.notify(
            said, severity="warning" if outcome.refused or run.get("stopped") else "information"
        )
        if outcome.refused:
            self.app.push_screen(
                ReportModal(f"{len(outcome.refused):,} left as they were", outcome.refused)
            )

    def bulk_status(self) -> Text | None:
        """The status line's part for marks and a run in progress."""
        run = self._run
        if run is not None:
            done = run["total"] - len(run["todo"])
            filled = round(20 * done / max(run["total"], 1))
            return Text.assemble(
                (f"{bulk.ACTIONS[run['action']]}: ", "bold"),
                ("━" * filled, "green"), ("━" * (20 - filled), "dim"),
                f" {done:,} of {run['total']:,}",
            )  # fmt: skip
        if self.table.marked:
            return Text(keys.fill(f"{len(self.table.marked):,} marked · {{list.bulk}} acts on "
                                  "them · {list.mark_all} clears"), style="bold")  # fmt: skip
        return None
