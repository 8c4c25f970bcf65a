"""Settings: a dataclass read from TOML in the user's config directory."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar

import platformdirs

APP_NAME = "crm-tui"


def config_dir() -> Path:
    return Path(os.environ.get("CRM_TUI_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("CRM_TUI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def state_dir() -> Path:
    """Where the app keeps what it writes about itself (the error log)."""
    return Path(os.environ.get("CRM_TUI_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / "config.toml"


PRIORITIES = ("high", "normal", "low")
CASE_TYPES = ("question", "problem", "request")
ORIGINS = ("phone", "email", "web", "walk_in")
DATE_FORMATS = ("short", "iso")
ROUTING_KEYS = ("queue", "type", "priority", "product", "origin", "customer")


def default_sla() -> dict:
    """SLA targets per priority in WORKING minutes (see business_* below)."""
    return {
        "high": {"first_response_minutes": 60, "resolve_minutes": 480},
        "normal": {"first_response_minutes": 240, "resolve_minutes": 1440},
        "low": {"first_response_minutes": 480, "resolve_minutes": 2880},
    }


def parse_clock(text: object) -> dt.time | None:
    """'09:00' -> time(9, 0); None when it is not an HH:MM time of day."""
    if not isinstance(text, str) or len(text.strip()) not in (4, 5) or ":" not in text:
        return None
    try:
        hour, minute = (int(part) for part in text.strip().split(":"))
        return dt.time(hour, minute)
    except ValueError:
        return None


# What [documents] (printed quotes, orders, invoices) may say.
DOCUMENT_KEYS = ("company", "address", "logo_text", "terms", "font", "bold_font")
# The areas the app may open on (CrmApp.MODES).
START_AREAS = ("dashboard", "accounts", "contacts", "leads", "pipeline", "documents", "cases",
               "knowledge", "activities", "marketing")  # fmt: skip


@dataclass
class Settings:
    """What a user or an admin can set in config.toml."""

    # Empty means <data dir>/crm.db.
    database: str = ""
    # NORMAL is safe in WAL mode against application crashes; FULL also
    # survives power loss at the cost of an fsync per commit.
    synchronous: str = "NORMAL"
    busy_timeout_ms: int = 5000
    # ISO 3166 region used to read phone numbers typed without a country code.
    default_region: str = ""
    # IANA zone for showing times; empty means the system's local zone.
    time_zone: str = ""
    # How days are shown everywhere: "short" (Fri 27 Nov; another year's day
    # as 27 Nov 2025) or "iso" (2026-11-27). Date fields read both, and
    # phrases such as fri or +3d.
    date_format: str = "short"
    currency: str = "USD"
    # Name of the price list new opportunities and quotes use unless one is chosen.
    default_price_list: str = ""
    attachment_max_bytes: int = 5 * 1024 * 1024
    page_size: int = 100
    # The business calendar SLA clocks run on, read in time_zone: ISO weekdays
    # (1 = Monday … 7 = Sunday), opening and closing "HH:MM" (closing after opening,
    # same day), and closed days as "YYYY-MM-DD".
    business_days: list[int] = field(default_factory=lambda: [1, 2, 3, 4, 5])
    business_hours: list[str] = field(default_factory=lambda: ["09:00", "17:00"])
    holidays: list[str] = field(default_factory=list)
    # Per priority (high, normal, low): first_response_minutes and resolve_minutes,
    # counted in working minutes of the calendar above. A priority left out keeps
    # its default.
    sla: dict = field(default_factory=default_sla)
    # A target is "nearing" once this share (percent) of its working time is used.
    sla_nearing_percent: int = 75
    # Routing of new cases, tried in order, first match wins. Each rule names a
    # "queue" (by name) and any of "type", "priority", "product" (product number),
    # "origin" and "customer" (account or contact name, any case); all given keys
    # must match, and a rule with only "queue" catches every case.
    routing: list[dict] = field(default_factory=list)
    # Textual theme; the app saves the one last chosen (ctrl+p, "Change theme").
    theme: str = ""
    # Key id -> keys, replacing that action's keys everywhere: "case.take" = "ctrl+t".
    # `?` in the app shows each key's id.
    keymap: dict = field(default_factory=dict)
    # The SMTP server email is sent through (crm_tui/config_mail.py says how).
    mail: dict = field(default_factory=dict)
    # Printed quotes, orders and invoices: company, address (lines with \n),
    # logo_text, terms, and the TrueType font files to print with (font,
    # bold_font) when the system's are not wanted.
    documents: dict = field(default_factory=dict)
    # The area the app opens on: dashboard, accounts, contacts, leads, pipeline,
    # documents, cases, knowledge, activities or marketing.
    start_area: str = "dashboard"
    # Whether a running app runs the workflow rules when no `crm-tui worker`
    # does (false where a service runs the worker).
    workflow_runner: bool = True

    # The file these were read from, where the app saves what it remembers.
    _read_from: ClassVar[Path | None] = None

    def database_path(self) -> Path | str:
        """The SQLite file, or the postgresql:// URL as written."""
        if self.database.startswith(("postgresql://", "postgres://")):
            return self.database
        return Path(self.database).expanduser() if self.database else data_dir() / "crm.db"

    def config_file(self) -> Path:
        return self._read_from or config_path()

    def validate(self) -> None:
        """Refuse a wrong value with the setting's name and the form it takes,
        in one line (ValueError)."""
        self._validate_types()
        if self.synchronous.upper() not in {"NORMAL", "FULL"}:
            raise ValueError(f"synchronous must be NORMAL or FULL, not {self.synchronous!r}")
        self.synchronous = self.synchronous.upper()
        if self.busy_timeout_ms < 0 or self.busy_timeout_ms > 600_000:
            raise ValueError(
                f"busy_timeout_ms must be 0-600000 milliseconds, not {self.busy_timeout_ms!r}"
            )
        unknown = set(self.documents) - set(DOCUMENT_KEYS)
        if unknown or not all(isinstance(v, str) for v in self.documents.values()):
            raise ValueError(
                f"[documents] takes text for {', '.join(DOCUMENT_KEYS)}"
                + (f", not {', '.join(sorted(unknown))}" if unknown else "")
            )
        if self.start_area not in START_AREAS:
            raise ValueError(
                f"start_area must be one of {', '.join(START_AREAS)}, not {self.start_area!r}"
            )
        if not 10 <= self.page_size <= 1000:
            raise ValueError(f"page_size must be 10-1000 rows, not {self.page_size!r}")
        if self.attachment_max_bytes <= 0:
            raise ValueError(
                "attachment_max_bytes must be a positive number of bytes, "
                f"not {self.attachment_max_bytes!r}"
            )
        if len(self.currency) != 3 or not self.currency.isascii() or not self.currency.isalpha():
            raise ValueError(
                f"currency must be a 3-letter ISO 4217 code such as USD, not {self.currency!r}"
            )
        self.currency = self.currency.upper()
        region = self.default_region
        if region and (len(region) != 2 or not region.isascii() or not region.isalpha()):
            raise ValueError(
                f"default_region must be a 2-letter ISO country code such as IR, not {region!r}"
            )
        self.default_region = region.upper()
        self._validate_time_zone()
        if self.date_format not in DATE_FORMATS:
            raise ValueError(
                f"date_format must be one of {', '.join(DATE_FORMATS)}, not {self.date_format!r}"
            )
        self._validate_calendar()
        self._validate_sla()
        self._validate_routing()
        self._validate_keymap()
        if self.mail:
            from crm_tui.config_mail import read_mail

            read_mail(self.mail)

    def _validate_keymap(self) -> None:
        """Its form only: which ids and keys exist is for the key registry to
        say (crm_tui.keys.checks, which the command line runs on a keymap)."""
        for binding_id, keys in self.keymap.items():
            if not isinstance(keys, str) or not keys.strip():
                raise ValueError(
                    f'keymap: {binding_id!r} must be keys in quotes ("ctrl+t" or "t,f5"), '
                    f"not {keys!r}"
                )

    def _validate_types(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            expected, form = _FORMS[item.name]
            # bool is an int to Python; no setting takes true/false for a number
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValueError(f"{item.name} must be {form}, not {value!r}")

    def _validate_time_zone(self) -> None:
        if not self.time_zone:
            return
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"time_zone must be an IANA time zone such as Asia/Tehran or Europe/Berlin, "
                f"not {self.time_zone!r}"
            ) from None

    def _validate_calendar(self) -> None:
        days = self.business_days
        if (
            not isinstance(days, list)
            or not days
            or any(type(d) is not int or not 1 <= d <= 7 for d in days)
        ):
            raise ValueError(
                f"business_days must be a non-empty list of ISO weekdays 1-7, not {days!r}"
            )
        hours = self.business_hours
        clocks = [parse_clock(h) for h in hours] if isinstance(hours, list) else []
        if len(clocks) != 2 or None in clocks or not clocks[0] < clocks[1]:
            raise ValueError(
                f'business_hours must be ["HH:MM", "HH:MM"] with closing after opening, '
                f"not {hours!r}"
            )
        if not isinstance(self.holidays, list):
            raise ValueError(f"holidays must be a list of YYYY-MM-DD dates, not {self.holidays!r}")
        for day in self.holidays:
            try:
                dt.date.fromisoformat(day)
            except (TypeError, ValueError):
                raise ValueError(f"holidays: {day!r} is not a YYYY-MM-DD date") from None

    def _validate_sla(self) -> None:
        if not isinstance(self.sla, dict):
            raise ValueError(f"sla must be a table per priority, not {self.sla!r}")
        unknown = sorted(set(self.sla) - set(PRIORITIES))
        if unknown:
            raise ValueError(f"sla: unknown priority {', '.join(unknown)} (use high, normal, low)")
        merged = default_sla()
        for priority, targets in self.sla.items():
            if not isinstance(targets, dict):
                raise ValueError(f"sla.{priority} must be a table, not {targets!r}")
            extra = sorted(set(targets) - set(merged[priority]))
            if extra:
                raise ValueError(f"sla.{priority}: unknown key(s) {', '.join(extra)}")
            for key, value in targets.items():
                if type(value) is not int or value <= 0:
                    raise ValueError(
                        f"sla.{priority}.{key} must be a positive whole number of minutes, "
                        f"not {value!r}"
                    )
            merged[priority].update(targets)
        self.sla = merged
        percent = self.sla_nearing_percent
        if type(percent) is not int or not 1 <= percent <= 99:
            raise ValueError(f"sla_nearing_percent must be 1-99, not {percent!r}")

    def _validate_routing(self) -> None:
        if not isinstance(self.routing, list):
            raise ValueError(f"routing must be a list of [[routing]] tables, not {self.routing!r}")
        allowed = {"type": CASE_TYPES, "priority": PRIORITIES, "origin": ORIGINS}
        for number, rule in enumerate(self.routing, 1):
            where = f"routing rule {number}"
            if not isinstance(rule, dict):
                raise ValueError(f"{where} must be a table, not {rule!r}")
            unknown = sorted(set(rule) - set(ROUTING_KEYS))
            if unknown:
                raise ValueError(
                    f"{where}: unknown key(s) {', '.join(unknown)} (use {', '.join(ROUTING_KEYS)})"
                )
            for key, value in rule.items():
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{where}: {key} must be non-empty text, not {value!r}")
                if key in allowed and value not in allowed[key]:
                    raise ValueError(
                        f"{where}: {key} {value!r} is not one of {', '.join(allowed[key])}"
                    )
            if "queue" not in rule:
                raise ValueError(f"{where}: queue is missing (the name of the queue to route to)")


# Each setting's type and how its form is said when a value is wrong.
_FORMS: dict[str, tuple[type, str]] = {
    "database": (str, "a path or a postgresql:// URL in quotes"),
    "synchronous": (str, 'text: "NORMAL" or "FULL"'),
    "busy_timeout_ms": (int, "a whole number of milliseconds"),
    "default_region": (str, 'a 2-letter country code in quotes ("IR")'),
    "time_zone": (str, 'an IANA zone name in quotes ("Asia/Tehran")'),
    "date_format": (str, 'text: "short" or "iso"'),
    "currency": (str, 'a 3-letter currency code in quotes ("USD")'),
    "default_price_list": (str, "a price list's name in quotes"),
    "attachment_max_bytes": (int, "a whole number of bytes"),
    "page_size": (int, "a whole number of rows"),
    "business_days": (list, "a list of ISO weekdays ([1, 2, 3, 4, 5])"),
    "business_hours": (list, 'a pair of times (["09:00", "17:00"])'),
    "holidays": (list, 'a list of dates (["2026-12-25"])'),
    "sla": (dict, "a table per priority ([sla.high])"),
    "sla_nearing_percent": (int, "a whole number of percent"),
    "routing": (list, "a list of [[routing]] tables"),
    "theme": (str, 'a theme name in quotes ("nord")'),
    "keymap": (dict, 'a table of key ids and keys ([keymap] "case.take" = "ctrl+t")'),
    "mail": (dict, 'a table ([mail] host = "smtp.example.com")'),
    "documents": (dict, 'a table ([documents] company = "Contoso Ltd")'),
    "start_area": (str, 'an area\'s name in quotes ("dashboard", "cases")'),
    "workflow_runner": (bool, "true or false"),
}


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives the defaults, unknown keys are an error."""
    path = path or config_path()
    settings = Settings()
    if path.exists():
        # imported only to read a file: a start with none does without it
        import tomllib

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: {exc}") from exc
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"{path}: unknown setting(s): {', '.join(unknown)}")
        settings = Settings(**raw)
        try:
            settings.validate()
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        settings._read_from = path
        return settings
    settings.validate()
    settings._read_from = path
    return settings


def save(settings: Settings, path: Path | None = None) -> Path:
    import tomli_w  # only needed when settings are written

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(asdict(settings)), encoding="utf-8")
    return path


def remember(name: str, value: object, path: Path | None = None) -> Path:
    """Set one setting in the file and keep the rest as written, comments too
    when the setting is a plain top-level line; OSError when it cannot be
    written, ValueError when the file no longer reads as TOML."""
    import tomllib

    import tomli_w

    path = path or config_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    line = tomli_w.dumps({name: value})
    edited = _set_top_level(text, name, line)
    try:
        kept = edited is not None and tomllib.loads(edited) == {**raw, name: value}
    except tomllib.TOMLDecodeError:
        kept = False
    if not kept:
        edited = tomli_w.dumps({**raw, name: value})
    path.parent.mkdir(parents=True, exist_ok=True)
    # written beside the file and moved over it: a full disk never leaves half a file
    partial = path.with_name(f".{path.name}.new")
    try:
        partial.write_text(edited, encoding="utf-8")
        if path.exists():
            partial.chmod(path.stat().st_mode & 0o7777)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _set_top_level(text: str, name: str, line: str) -> str | None:
    """`text` with the top-level `name = …` line replaced by `line`, or `line`
    put before the first table; None when it is not a single plain line."""
    lines = text.splitlines(keepends=True)
    first_table = next(
        (n for n, row in enumerate(lines) if row.lstrip().startswith("[")), len(lines)
    )
    found = [
        n
        for n, row in enumerate(lines[:first_table])
        if row.split("=", 1)[0].strip() == name and "=" in row
    ]
    if len(found) > 1:
        return None
    if found:
        lines[found[0]] = line
        return "".join(lines)
    # after the last top-level setting, keeping the blank line before a table
    at = first_table
    while at and not lines[at - 1].strip():
        at -= 1
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, line + ("\n" if at == first_table < len(lines) else ""))
    return "".join(lines)
