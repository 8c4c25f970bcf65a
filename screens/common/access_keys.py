"""Keys offered only when the person's role allows what they do: a screen
names the privilege each of its actions needs (ACCESS) and the record the
action acts on (access_target); Textual then leaves refused keys out of the
footer, `?` and the palette, and ignores them. The services refuse the same
actions on their own (crm_tui.services.access), so a key shown by mistake can
never do more than say why it was refused."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.services import access, records


def keyed(action: str, callback):
    """Tag a palette callback with the key action it runs, so that the palette
    offers it only when that action is allowed."""
    callback.action = action
    return callback


class AccessKeys:
    """Mixin for a Screen; list it before Screen in the bases."""

    # action name -> the privilege it needs ("create" needs no record)
    ACCESS: ClassVar[dict[str, str]] = {}
    KIND = ""

    def access_target(self, action: str) -> tuple[str, int] | None:
        """(kind, id) of the record `action` acts on; None when nothing is
        highlighted (the action then says so itself)."""
        return None

    def access_allows(self, action: str) -> bool:
        """Whether the person may run `action` on its record now."""
        privilege = self.ACCESS.get(action)
        if privilege is None:
            return True
        if privilege == "create":
            return access.allowed("create", self.create_kind(action))
        target = self.access_target(action)
        if target is None:
            return True
        kind, record_id = target
        return access.allowed(privilege, kind, self._owner(kind, record_id))

    def access_refusal(self, action: str) -> str | None:
        """The sentence saying which privilege the role lacks for `action`;
        None when the role is not what stops it."""
        privilege = self.ACCESS.get(action)
        if privilege == "create":
            return access.refusal("create", self.create_kind(action))
        target = self.access_target(action)
        if privilege is None or target is None:
            return None
        kind, record_id = target
        return access.refusal(privilege, kind, self._owner(kind, record_id))

    def create_kind(self, action: str) -> str:
        """The kind a create action makes (the screen's own by default)."""
        return self.KIND

    def _owner(self, kind: str, record_id: int) -> int | None:
        cache = getattr(self, "_access_owners", None)
        if cache is None:
            cache = self._access_owners = {}
        key = (kind, record_id)
        if key not in cache:
            cache[key] = records.owner_of(kind, record_id)
        return cache[key]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not self.access_allows(action):
            return False
        return super().check_action(action, parameters)

    def access_changed(self) -> None:
        """Call when the record under the keys changed (cursor moved, record
        re-read): the footer is redrawn only if what is allowed changed."""
        self._access_owners = {}
        allowed = tuple(self.access_allows(action) for action in self.ACCESS)
        if allowed != getattr(self, "_access_allowed", None):
            self._access_allowed = allowed
            self.refresh_bindings()
