"""A footer for a screen with more keys than a terminal row holds: the
screen names the keys that matter most, and whatever does not fit is left
out whole, the least important first, never cut mid-word. Every key is
still in `?`.

Textual's own footer lays its keys out in one row and crops the row where
the terminal ends: on the case queue that cut `? Keys` in half and left out
`q Quit` even at 120 columns."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# The cells around a key and its description, as Textual's footer styles
# them: " key desc " in the usual style, "key desc" and a margin in the
# compact one. The palette's key is always compact, with a border on its left
# and a padding (usual) or a margin (compact) on its right.
_PADDING = {False: 3, True: 2}
_PALETTE_PADDING = 3


class KeyFooter(Footer):
    """`first`: ids of the keys that must show, most important first; `then`:
    ids shown after them while there is room. Keys named in neither stay in
    `?` only. The keys shown keep the screen's order. When `first` does not
    fit, the footer turns compact (one space less around each key) before
    it leaves any of them out."""

    def __init__(self, first: Sequence[str], then: Sequence[str] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.first = tuple(first)
        self.then = tuple(then)
        self._laid_out_for = 0
        self._composed_for: tuple | None = None

    def _width_of(self, binding: Binding, compact: bool) -> int:
        key = self.app.get_key_display(binding)
        return cell_len(key) + cell_len(binding.description) + _PADDING[compact]

    def _kept(self, ranked: list[Binding], room: int, compact: bool) -> list[Binding]:
        """The longest run of `ranked` from its start that fits in `room`: a
        less important key never takes the place of a more important one."""
        kept: list[Binding] = []
        for binding in ranked:
            room -= self._width_of(binding, compact)
            if room < 0:
                break
            kept.append(binding)
        return kept

    def _keys_to_show(self) -> tuple:
        """What the keys shown are made of: the screen's bindings that a
        footer shows, and the palette's."""
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            tuple(
                (binding.id, binding.key, binding.action, binding.description, enabled, tooltip)
                for _, binding, enabled, tooltip in active.values()
                if binding.show
            ),
            None if palette is None else (palette.binding.key, palette.enabled),
        )

    def bindings_changed(self, screen) -> None:
        # The screen republishes its bindings each time focus moves, a row is
        # highlighted or it resumes, most often with the same keys to show;
        # composing mounts every key again (four times before a list's first
        # frame), so only a change of what is shown recomposes.
        if (
            self._bindings_ready
            and screen is self.screen
            and self._keys_to_show() == self._composed_for
        ):
            return
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        # Each change before the first recompose ran queues one (a detail's
        # record read, its access and its focus, as it opens: six): the first
        # shows the keys as they are by then, the rest have nothing to add.
        if (
            self.is_attached
            and self._bindings_ready
            and self._keys_to_show() == self._composed_for
            and (self.size.width or self.app.size.width) == self._laid_out_for
        ):
            return
        await super().recompose()

    def compose(self):
        if not self._bindings_ready:
            return
        self._composed_for = self._keys_to_show()
        self._laid_out_for = width = self.size.width or self.app.size.width
        active = self.screen.active_bindings
        # one key per action, in the screen's order (as Textual's footer)
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        by_id = {binding.id: binding for binding, _, _ in shown.values() if binding.id}
        ranked = [by_id[i] for i in (*self.first, *self.then) if i in by_id]
        must = sum(1 for i in self.first if i in by_id)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        for compact in (False, True):
            room = width
            if palette is not None:
                binding = palette.binding
                room -= cell_len(self.app.get_key_display(binding))
                room -= cell_len(binding.description) + _PALETTE_PADDING
            kept = self._kept(ranked, room, compact)
            if len(kept) >= must:
                break
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        chosen = {id(binding) for binding in kept}
        for binding, enabled, tooltip in shown.values():
            if id(binding) in chosen:
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip,
                ).data_bind(compact=Footer.compact)
        if palette is not None:
            yield FooterKey(
                palette.binding.key,
                self.app.get_key_display(palette.binding),
                palette.binding.description,
                palette.binding.action,
                classes="-command-palette",
                disabled=not palette.enabled,
                tooltip=palette.binding.tooltip or palette.binding.description,
            )

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
