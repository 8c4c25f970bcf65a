"""Settings: a dataclass read from TOML in the user's config directory."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

APP_NAME = "crm-tui"


def config_dir() -> Path:
    return Path(os.environ.get("CRM_TUI_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("CRM_TUI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / "config.toml"


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
    currency: str = "USD"
    # Name of the price list new opportunities and quotes use unless one is chosen.
    default_price_list: str = ""
    attachment_max_bytes: int = 5 * 1024 * 1024
    page_size: int = 100

    def database_path(self) -> Path:
        return Path(self.database).expanduser() if self.database else data_dir() / "crm.db"

    def validate(self) -> None:
        if self.synchronous.upper() not in {"NORMAL", "FULL"}:
            raise ValueError(f"synchronous must be NORMAL or FULL, not {self.synchronous!r}")
        self.synchronous = self.synchronous.upper()
        if self.busy_timeout_ms < 0:
            raise ValueError("busy_timeout_ms must not be negative")


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives the defaults, unknown keys are an error."""
    path = path or config_path()
    settings = Settings()
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: {exc}") from exc
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"{path}: unknown setting(s): {', '.join(unknown)}")
        settings = Settings(**raw)
    settings.validate()
    return settings


def save(settings: Settings, path: Path | None = None) -> Path:
    import tomli_w  # only needed when settings are written

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(asdict(settings)), encoding="utf-8")
    return path
