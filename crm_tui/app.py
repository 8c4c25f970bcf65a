"""CrmApp: the areas as modes, global keys, the command palette, live refresh."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import App, SystemCommand

from crm_tui import (
    config,
    crashlog,
    db,
    display,
    keys,
    meta,
    phones_shown,
    startup,
    styles,
    terminal_feel,
)
from crm_tui.db import change_watcher
from crm_tui.errors import CrmError, NotFound
from crm_tui.screens.common import calls
from crm_tui.services import session
from crm_tui.text import clean
from crm_tui.typeahead import KeysInOrder
from crm_tui.widgets.palette import RecordActionsProvider

# Lists reached from an area's key or the palette rather than a number.
CATALOGUES = [
    ("Products", "The product catalogue ({documents.products} in quotes/orders/invoices)",
     "sales.products_list", "ProductsScreen"),
    ("Price lists", "Prices per list ({product.price_lists} in products)", "sales.price_lists",
     "PriceListsScreen"),
    ("Competitors", "Who we bid against ({pipeline.competitors} on the pipeline)",
     "sales.competitors_list", "CompetitorsScreen"),
    ("Contracts", "Entitlements: cases, minutes, coverage ({queue.contracts} in the case queue)",
     "support.contracts_list", "ContractsScreen"),
    ("Service schedule", "Resources' agendas; book a service ({queue.schedule} in the case queue)",
     "support.schedule", "ScheduleScreen"),
    ("Marketing lists", "Accounts, contacts or leads to market to ({marketing.lists} in campaigns)",
     "marketing.lists_list", "MarketingListsScreen"),
    ("Sales literature", "Brochures, spec sheets, price sheets ({marketing.literature} in campaigns)",
     "marketing.literature_list", "LiteratureScreen"),
    ("Reports", "Built-in and saved reports ({dashboard.reports} on the dashboard)",
     "reports.reports_list", "ReportsScreen"),
    ("Custom fields", "Fields admins add to accounts, contacts, leads, opportunities, cases ...",
     "admin.custom_fields", "CustomFieldsScreen"),
    ("Import records", "From CSV, Excel or vCards: a dry run first, then import",
     "admin.imports", "ImportScreen"),
    ("Notifications", "What rules and colleagues told you ({app.notices} anywhere)",
     "workflow.notifications", "NotificationsScreen"),
    ("Workflow rules", "What happens by itself when records change or a date comes",
     "workflow.rules_list", "RulesScreen"),
    ("Workflow log", "Every run of every rule: what it did, or why it failed",
     "workflow.rules_log", "RulesLogScreen"),
    ("Past imports", "Imports done, with their counts; revert one", "admin.import_history",
     "ImportHistoryScreen"),
]  # fmt: skip


def _lazy(module: str, name: str):
    """A mode's screen imported when the area is first opened: startup loads
    only the first screen's code."""

    def make():
        import importlib

        return getattr(importlib.import_module(f"crm_tui.screens.{module}"), name)()

    return make


def _go_to_provider():
    """The palette's "go to", imported when the palette first opens."""
    from crm_tui.screens.common.palette import GoToProvider

    return GoToProvider


class CrmApp(KeysInOrder):
    TITLE = "crm-tui"
    # What the first screen needs; forms, details and modals bring their own
    # stylesheets when first shown, so startup parses less.
    CSS_PATH = [styles.path("app.tcss"), styles.path("lists.tcss")]
    MODES = {
        "dashboard": _lazy("reports.dashboard", "DashboardScreen"),
        "accounts": _lazy("customers.accounts_list", "AccountsScreen"),
        "contacts": _lazy("customers.contacts_list", "ContactsScreen"),
        "leads": _lazy("sales.leads_list", "LeadsScreen"),
        "pipeline": _lazy("sales.pipeline_board", "PipelineScreen"),
        "documents": _lazy("sales.documents_list", "DocumentsScreen"),
        "cases": _lazy("support.case_queue", "CaseQueueScreen"),
        "knowledge": _lazy("knowledge.knowledge_search", "KnowledgeScreen"),
        "activities": _lazy("customers.activities_list", "ActivitiesScreen"),
        "marketing": _lazy("marketing.campaigns_list", "CampaignsScreen"),
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {_go_to_provider, RecordActionsProvider}
    BINDINGS = keys.bindings("app")

    # How often other processes' commits are looked for, in seconds.
    POLL_SECONDS = 1.0
    # How often what happens by date is done: contracts and articles past
    # their end date expire, articles scheduled for today are published.
    EXPIRE_SECONDS = 300.0
    # When an app looks whether it should run the workflow rules (nobody
    # else does): first once it has settled, then one small query a minute.
    RUNNER_FIRST_SECONDS = 30.0
    RUNNER_EVERY_SECONDS = 60.0
    # A theme set before the app is up is the saved one, not a choice to save.
    _remember_theme = False

    def __init__(self) -> None:
        settings = session.settings()
        # the area the app opens on (config.toml's start_area)
        self.DEFAULT_MODE = settings.start_area
        super().__init__()
        # The user's keymap over the registry's keys; hints typed in text read it too.
        keys.use_keymap(settings.keymap)
        self.set_keymap(settings.keymap)
        # Set before the first frame, so the app is never drawn in another theme first.
        self._unknown_theme = ""
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme:
            self._unknown_theme = settings.theme
        # PRAGMA data_version on SQLite, LISTEN/NOTIFY on PostgreSQL
        self._watcher = None
        self._file_gone = False
        # The last background fault shown, so a timer does not repeat it every tick.
        self._last_background_fault = ""
        # Where an unexpected error was logged, for the line printed on exit.
        self.crash_line = ""
        # Whether the first screen has been laid out (on_ready); a list mounted
        # before loads its rows after that (base_list.on_mount).
        self.laid_out = False
        # The areas whose screens exist (MODES keeps them), and whether the
        # one being switched to is one of them.
        self._areas_opened = {self.DEFAULT_MODE}
        self._area_built = False
        # the unread notices in the header, and the workflow runner this app started
        self._notices = None
        self._runner = None
        terminal_feel.apply(self)

    def on_mount(self) -> None:
        user = session.current_user()
        self.sub_title = f"{user.full_name} ({user.role})"
        self._watcher = change_watcher()
        self.set_interval(self.POLL_SECONDS, self.poll_database)
        self.set_interval(self.EXPIRE_SECONDS, self.run_dated_changes)
        self.set_timer(self.RUNNER_FIRST_SECONDS, self._run_rules)
        self.set_interval(self.RUNNER_EVERY_SECONDS, self._run_rules)
        if self._unknown_theme:
            self.notify(
                f"No theme is called {self._unknown_theme!r} (config.toml); the default is "
                "used. Change theme in the command palette picks another.",
                severity="warning",
            )
        self._remember_theme = True

    def get_driver_class(self):
        driver = super().get_driver_class()
        terminal_feel.prompt_reader(driver)
        return driver

    def on_unmount(self) -> None:
        # the next start shows these numbers without loading the phone library
        phones_shown.save()
        if self._runner is not None:
            self._runner.stop()

    def _run_rules(self) -> None:
        """Run the workflow rules when nobody does (screens/workflow/app_runner.py)."""
        if self._runner is None:
            from crm_tui.screens.workflow.app_runner import AppRunner

            self._runner = AppRunner()
        self._in_background(self._runner.tick)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the command palette is saved in config.toml for
        the next start; a file that cannot be written is reported, not fatal."""
        settings = session.settings()
        if not self._remember_theme or theme == settings.theme:
            return
        path = settings.config_file()
        try:
            config.remember("theme", theme, path)
        except (OSError, ValueError) as exc:
            reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            calls.report(self, CrmError(f"The theme was not saved in {path}: {reason}"))
            return
        settings.theme = theme

    def poll_database(self) -> None:
        """Refresh the visible screen when another process committed; say so
        once when the database file was deleted or replaced under us."""
        if db.replaced():
            if not self._file_gone:
                self._file_gone = True
                self.sub_title = "NOT SAVING: the database file was replaced"
                self.notify(str(db.gone_fault()), severity="error", timeout=60)
            return
        self._in_background(self._poll_changes)

    def _poll_changes(self) -> None:
        if self._watcher is not None and self._watcher.changed():
            self.refresh_visible()
        if self._notices is None:
            from crm_tui.screens.workflow.header_notices import HeaderNotices

            self._notices = HeaderNotices(self)
        self._notices.check()

    def _notice_changes(self) -> bool:
        """Whether others committed since the watcher last looked (what it
        reports moves db.generation on)."""
        seen = []
        self._in_background(lambda: seen.append(self._watcher and self._watcher.changed()))
        return bool(seen and seen[0])

    def run_dated_changes(self) -> None:
        """Expire contracts and articles past their dates and publish the
        articles scheduled for today; one indexed read each when none is due."""
        self._in_background(self._dated_changes)

    def _dated_changes(self) -> None:
        from crm_tui.services.knowledge import kb
        from crm_tui.services.support import contracts

        if contracts.expire_due() + kb.publish_due() + kb.expire_due():
            self.refresh_visible()

    def _in_background(self, work) -> None:
        """Run a timer's work; a busy database waits for the next tick, any
        other refusal is shown once (not on every tick)."""
        try:
            work()
        except Exception as exc:
            refusal = calls.as_refusal(exc)
            if refusal is None:
                raise
            if getattr(refusal, "retry", False) or str(refusal) == self._last_background_fault:
                return
            self._last_background_fault = str(refusal)
            calls.report(self, refusal)
        else:
            self._last_background_fault = ""

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every key's action: a refusal or a database fault escaping it is
        shown (a busy database offers to run the action again), never a crash
        that loses what is on screen."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as exc:
            calls.report_or_raise(
                self,
                exc,
                retry=lambda: self.call_later(
                    self.run_action, action, default_namespace, namespaces
                ),
            )
            return True

    def guarded(self, callback):
        """`callback` for the command palette, its refusals shown like a key's."""

        async def run() -> None:
            try:
                result = callback()
                if hasattr(result, "__await__"):
                    await result
            except Exception as exc:
                calls.report_or_raise(self, exc, retry=lambda: self.call_later(run))

        return run

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: its traceback goes to the error log and the
        terminal gets one line saying where; the app exits non-zero."""
        path = crashlog.record(error)
        self.crash_line = crashlog.one_line(error, path)
        super()._handle_exception(error)
        if path is not None:
            # Textual would print the whole traceback on exit; the log has it.
            self._exit_renderables.clear()

    def refresh_visible(self) -> None:
        """The topmost screen that shows data reads it again, unless it read
        it at the present db.generation (its `_read_at`) already."""
        for screen in reversed(self.screen_stack):
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None:
                if getattr(screen, "_read_at", None) != db.generation():
                    refresh()
                return

    def get_system_commands(self, screen):
        # Textual's own "Keys" panel is replaced by `?`, which knows our screens.
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                yield SystemCommand("Keys", "Every key of this screen", self.action_help)
            else:
                yield command
        for title, help_text, module, name in CATALOGUES:
            yield SystemCommand(
                title, keys.fill(help_text), partial(self.open_catalogue, module, name)
            )

    def delay_update(self, delay: float = 0.05) -> None:
        # Textual holds the frames back on every switch of mode, to hide a
        # screen being built; an area shown again is built, and the hold
        # would be all of its wait.
        if not self._area_built:
            super().delay_update(delay)

    def open_catalogue(self, module: str, name: str) -> None:
        """Push a list that is not an area of its own (products, competitors)."""
        self.push_screen(_lazy(module, name)())

    async def action_area(self, mode: str) -> None:
        # The screen shown reads again only if the data moved on since it last
        # read (db.generation): ask the watcher now rather than at the next
        # poll, so a colleague's commit of a moment ago is in what it shows.
        changed = self._notice_changes()
        try:
            await self._go_to_area(mode)
        finally:
            if changed:
                # a screen shown again read it already; any other reads it now
                self.refresh_visible()

    async def _go_to_area(self, mode: str) -> None:
        if mode != self.current_mode:
            # an area opened before is built: no frame to hold back for it
            self._area_built = mode in self._areas_opened
            try:
                await self.switch_mode(mode)
            finally:
                self._area_built = False
            self._areas_opened.add(mode)
            return
        # The area's own key again goes back to its home screen, from however
        # deep in it; a modal, or a form holding typed text, is not left unasked.
        from textual.screen import ModalScreen

        from crm_tui.screens.common.base_form import RecordFormScreen

        while len(self.screen_stack) > 1:
            top = self.screen
            if isinstance(top, ModalScreen):
                return
            if isinstance(top, RecordFormScreen) and top.form.dirty:
                self.notify("This form has changes: save them (ctrl+s) or leave it (escape) first.")
                return
            await self.pop_screen()

    async def open_record(self, kind: str, record_id: int) -> None:
        """Go to a record's detail screen in its own area."""
        from crm_tui.screens.common import routes

        area = meta.kind(kind).area
        if area is None or not routes.opens(kind):
            raise NotFound(f"a {display.kind_noun(kind)} has no page of its own")
        await self.switch_mode(area)
        await self.push_screen(routes.detail_screen(self, kind, record_id))

    def format_title(self, title: str, sub_title: str):
        """Titles carry people's text (a user's name, a record's): shown
        literally, without control characters, whatever they hold."""
        return super().format_title(clean(title), clean(sub_title))

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        """Screens pass user text as a rich Text; Textual 8's toast parses a
        message as markup (and crashes on a Text), so show its plain text
        literally, without control characters."""
        if isinstance(message, Text):
            message, markup = clean(message.plain, multiline=True), False
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_ready(self) -> None:
        self.laid_out = True
        startup.resume_collector()

    def action_notices(self) -> None:
        from crm_tui.screens.workflow.notifications import NotificationsScreen

        if not isinstance(self.screen, NotificationsScreen):
            self.push_screen(NotificationsScreen())

    def action_help(self) -> None:
        from crm_tui.screens.common.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen, self.active_bindings))
