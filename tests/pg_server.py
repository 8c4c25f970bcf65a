"""A throwaway PostgreSQL server for the tests, reachable only over a Unix socket.

The server lives in one private temporary folder (data, socket, log) and is
stopped and removed by `stop()`. Durability is switched off: nothing here has
to survive a crash, and initdb and start-up then take about a second.

PostgreSQL refuses to run as root, so under root (as in CI) the server runs
as the `postgres` OS user that Debian's package creates; root can still
connect, as the kernel lets it through any folder's permissions.

Use it through the `pg_server` and `pg_database` fixtures in conftest.py.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

# Points the search at one folder only (an empty one simulates a machine without PostgreSQL).
BINDIR_ENV = "CRM_TUI_PG_BINDIR"
MISSING = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
NO_SERVER_USER = (
    "running PostgreSQL as root needs the 'postgres' OS user: apt-get install postgresql"
)
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
# Only names the socket file; the socket folder is private, so it cannot clash.
PORT = 5432
SUPERUSER = "postgres"
# The socket's path must fit in sun_path (108 bytes with its terminating NUL).
MAX_SOCKET_PATH = 107


class PgServerError(RuntimeError):
    """The server could not be set up or started; the message ends with its log."""


def _has_server(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_PROGRAMS)


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    override = os.environ.get(BINDIR_ENV)
    if override is not None:
        return Path(override) if _has_server(Path(override)) else None
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        # libpq-dev's pg_config may name a bindir whose server package is absent
        done = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    newest_first = sorted(Path("/").glob(DEBIAN_BINDIRS.lstrip("/")), key=_version_key)[::-1]
    candidates.extend(newest_first)
    return next((path for path in candidates if _has_server(path)), None)


def require_bindir() -> Path:
    """The server binaries' folder, or skip the calling test with one line saying what to install."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(MISSING)
    if os.geteuid() == 0 and _server_user() is None:
        pytest.skip(NO_SERVER_USER)
    return bindir


def _server_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(SUPERUSER)
    except KeyError:
        return None


def _reachable_by_others(folder: Path) -> bool:
    return all(
        part.stat().st_mode & stat.S_IXOTH for part in [folder.resolve(), *folder.resolve().parents]
    )


def _parent_folder(as_root: bool) -> str:
    """Where the private folder goes: the usual temporary folder, unless the server's
    user could not pass through it or the socket's path would be too long."""
    for candidate in (tempfile.gettempdir(), "/tmp"):
        short = len(candidate) + len("/crm-tui-pg-XXXXXXXX/socket/.s.PGSQL.5432") < MAX_SOCKET_PATH
        if short and (not as_root or _reachable_by_others(Path(candidate))):
            return candidate
    raise PgServerError("no temporary folder both short enough and reachable for PostgreSQL")


class PgServer:
    """One PostgreSQL cluster in a private temporary folder; `start()`, then `stop()`."""

    def __init__(self, bindir: Path, *, settings: dict[str, str] | None = None) -> None:
        self.bindir = Path(bindir)
        self.port = PORT
        self.superuser = SUPERUSER
        self.settings = dict(settings or {})
        self.base: Path | None = None
        self._as_root = os.geteuid() == 0
        self._running = False

    # --- where things are --------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base() / "socket"

    @property
    def log_path(self) -> Path:
        return self._base() / "server.log"

    @property
    def socket_path(self) -> Path:
        return self.socket_dir / f".s.PGSQL.{self.port}"

    def _base(self) -> Path:
        if self.base is None:
            raise PgServerError("the server has not been started")
        return self.base

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """A libpq URL reaching `dbname` as `user` (the superuser by default) over the socket."""
        role = quote(user or self.superuser, safe="")
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://{role}@/{quote(dbname, safe='')}?host={host}&port={self.port}"

    # --- life cycle --------------------------------------------------------

    def start(self) -> PgServer:
        if self._running:
            return self
        self.base = Path(tempfile.mkdtemp(prefix="crm-tui-pg-", dir=_parent_folder(self._as_root)))
        try:
            self._prepare_folders()
            self._initdb()
            self._pg_ctl_start()
        except BaseException:
            self._remove_folder()
            raise
        self._running = True
        atexit.register(self.stop)  # an interrupted session still takes its server down
        return self

    def stop(self) -> None:
        """Stop the server at once (nothing needs flushing) and remove its folder."""
        if self._running:
            self._run(
                [self._tool("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
                timeout=60,
            )
            self._running = False
            atexit.unregister(self.stop)
        self._remove_folder()

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _prepare_folders(self) -> None:
        self.socket_dir.mkdir(mode=0o700)
        if self._as_root:
            owner = _server_user()
            if owner is None:
                raise PgServerError(NO_SERVER_USER)
            for folder in (self._base(), self.socket_dir):
                os.chown(folder, owner.pw_uid, owner.pw_gid)

    def _initdb(self) -> None:
        done = self._run(
            [
                self._tool("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.superuser,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            timeout=120,
        )
        if done.returncode != 0:
            raise PgServerError(f"initdb failed ({done.returncode}):\n{_tail(done.stdout)}")

    def _pg_ctl_start(self) -> None:
        settings = {
            "listen_addresses": "",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            **self.settings,
        }
        options = ["-k", shlex.quote(str(self.socket_dir)), "-p", str(self.port)]
        for name, value in settings.items():
            options += ["-c", shlex.quote(f"{name}={value}")]
        argv = [self._tool("pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_path)]
        argv += ["-w", "-t", "30", "-o", " ".join(options), "start"]
        done = self._run(argv, timeout=60)
        if done.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            # it may have come up after pg_ctl gave up waiting
            self._run([self._tool("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"])
            raise PgServerError(
                f"PostgreSQL did not start ({done.returncode}): {done.stdout.strip()}\n"
                f"--- {self.log_path.name} ---\n{_tail(log)}"
            )

    def _tool(self, name: str) -> str:
        return str(self.bindir / name)

    def _run(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
        """Run a server program as the server's user, never root; a hang becomes an error."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self._base()),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        }
        as_user: dict = {}
        if self._as_root:
            owner = _server_user()
            if owner is None:
                raise PgServerError(NO_SERVER_USER)
            as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        try:
            return subprocess.run(
                argv,
                cwd=self._base(),  # root's working folder may be closed to the server's user
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
                **as_user,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else ""
            raise PgServerError(
                f"{Path(argv[0]).name} did not finish in {timeout}s:\n{_tail(output or '')}"
            ) from None

    def _remove_folder(self) -> None:
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)

    # --- databases and roles -------------------------------------------------

    def connect(self, dbname: str = "postgres", user: str | None = None, **kwargs):
        import psycopg

        return psycopg.connect(self.url(dbname, user), **kwargs)

    def _admin(self, statement) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str = "template0") -> str:
        """A copy of `template` (by default an empty database, from template0, so
        nothing added to template1 leaks in); its URL."""
        from psycopg import sql

        self._admin(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending any connections a test left open to it."""
        from psycopg import sql

        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create_role(self, name: str, login: bool = True) -> str:
        from psycopg import sql

        self._admin(
            sql.SQL("CREATE ROLE {} " + ("LOGIN" if login else "NOLOGIN")).format(
                sql.Identifier(name)
            )
        )
        return name


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
