"""Write or edit a draft knowledge article: the body is Markdown, typed here
or in $EDITOR (ctrl+e suspends the app and resumes it when the editor exits)."""

from __future__ import annotations

from rich.text import Text
from textual.app import SuspendNotSupported
from textual.widgets import TextArea

from crm_tui import keys, styles
from crm_tui.errors import ConflictError, CrmError
from crm_tui.screens.common import external_editor
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.services import users
from crm_tui.services.knowledge import kb
from crm_tui.widgets.record_form import FieldSpec


class ArticleFormScreen(RecordFormScreen):
    KIND = "article"
    CSS_PATH = [styles.path("forms.tcss"), styles.path("knowledge.tcss")]
    BINDINGS = keys.bindings("article_form")

    def specs(self) -> list[FieldSpec]:
        subjects = [("(no subject)", None)] + [(s["path"], s["id"]) for s in kb.subjects()]
        reviewers = [("(any manager or admin)", None)] + [
            (u.full_name, u.id) for u in users.all_users()
        ]
        return [
            FieldSpec("title", "Title", required=True, placeholder="the question it answers"),
            FieldSpec("keywords", "Keywords", placeholder="words people search for, by commas"),
            FieldSpec("subject_id", "Subject", "select", subjects),
            FieldSpec(
                "language",
                "Language",
                "select",
                [(label, key) for key, label in kb.LANGUAGES.items()],
            ),  # fmt: skip
            FieldSpec("reviewer_id", "Reviewer", "select", reviewers),
            date_spec("publish_on", "Publish on", empty="when approved"),
            date_spec("expires_on", "Expires on", empty="never"),
            FieldSpec("body", "Body", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"language": "en", "subject_id": None, "reviewer_id": None}
            values.update(self.preset)
            return values, {}, None, "New article"
        row = kb.get(self.record_id)
        values = {
            "title": row.title,
            "keywords": row.keywords,
            "subject_id": row.subject_id,
            "language": row.language,
            "reviewer_id": row.reviewer_id,
            "publish_on": shown(row.publish_on),
            "expires_on": shown(row.expires_on),
            "body": row.body,
        }
        title = f"Edit article · {kb.display_number(row)} {row.title}"
        return values, {}, row.version, title

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return kb.create(values).id
        return kb.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "reviewer_id":
            value = error.current.get("reviewer")
            return users.name_of(value) if value else ""
        return super().stored_display(error, name)

    def action_external_editor(self) -> None:
        """Edit the body in $VISUAL or $EDITOR; the app suspends meanwhile."""
        area = self.query_one("#field-body", TextArea)
        try:
            area.text = external_editor.edit(self.app, area.text)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor; edit the body here.")
            return
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error", timeout=10)
            return
        self.notify(keys.fill("Body taken from the editor; {form.save} saves it."))
