"""Log or edit a case."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.screens.account_form import _account_matches, owner_options
from crm_tui.screens.base_form import RecordFormScreen
from crm_tui.screens.document_form import _contact_matches
from crm_tui.services import cases, queues, records, users
from crm_tui.widgets.record_form import FieldSpec

LOOKUPS = {"account_id": "account", "contact_id": "contact"}


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(label, key) for key, label in labels.items()]


class CaseFormScreen(RecordFormScreen):
    KIND = "case"

    def specs(self) -> list[FieldSpec]:
        specs = [
            FieldSpec("title", "Title", required=True, placeholder="what the customer needs"),
            FieldSpec("account_id", "Account", "lookup", lookup=_account_matches),
            FieldSpec("contact_id", "Contact", "lookup", lookup=_contact_matches),
            FieldSpec("case_type", "Type", "select", _choices(cases.TYPES)),
            FieldSpec("origin", "Origin", "select", _choices(cases.ORIGINS)),
            FieldSpec("priority", "Priority", "select", _choices(cases.PRIORITIES)),
            FieldSpec("severity", "Severity", "select", _choices(cases.SEVERITIES)),
            FieldSpec("subject", "Subject", placeholder="e.g. Billing, Login, Sync"),
        ]
        if self.record_id is None:
            # the queue and owner of an existing case change with m / o / t
            queue_options = [("(route by the rules)", None)] + [
                (q["name"], q["id"]) for q in queues.queues()
            ]
            specs += [
                FieldSpec("queue_id", "Queue", "select", queue_options),
                FieldSpec(
                    "owner_id", "Owner", "select", [("(nobody: the queue)", None)] + owner_options()
                ),
            ]
        return [*specs, FieldSpec("description", "Description", "multiline")]

    def load(self):
        if self.record_id is None:
            values = {
                "case_type": "question",
                "origin": "phone",
                "priority": "normal",
                "severity": "default",
                "queue_id": None,
                "owner_id": None,
            }
            labels = {
                name: records.title_of(kind, self.preset[name])
                for name, kind in LOOKUPS.items()
                if self.preset.get(name)
            }
            return values, labels, None, "New case"
        row = cases.get(self.record_id)
        values = {
            "title": row.title,
            "account_id": row.account_id,
            "contact_id": row.contact_id,
            "case_type": row.case_type,
            "origin": row.origin,
            "priority": row.priority,
            "severity": row.severity,
            "subject": row.subject,
            "description": row.description,
        }
        labels = {
            name: records.title_of(kind, values[name])
            for name, kind in LOOKUPS.items()
            if values.get(name)
        }
        return values, labels, row.version, f"Edit case · {row.number} {row.title}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            if values.get("owner_id") is None:
                values.pop("owner_id", None)
            return cases.create(values).id
        return cases.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        current = error.current
        value = current.get(name.removesuffix("_id"), current.get(name))
        if name in LOOKUPS:
            return records.title_of(LOOKUPS[name], value) if value else ""
        if name == "owner_id":
            return users.name_of(value)
        return super().stored_display(error, name)
