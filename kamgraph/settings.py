"""One frozen Settings object, read from ``KAMGRAPH_*`` environment variables.

Everything configurable lives here so that a deployment can see, in one place, what it can change.
Business defaults (tier thresholds, page caps) are exposed to clients through the API as well.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kamgraph.workdays import WorkCalendar, business_today


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    #: tortoise database URL; the embedded default is a SQLite file in the working directory.
    database_url: str = "sqlite://kamgraph.sqlite3"
    #: ``development`` or ``production``: production refuses to invent keys and turns off introspection,
    #: GraphiQL and field suggestions.
    env: str = "development"
    #: the encryption key (base64 of 32 bytes), or a key file of ``id:base64`` lines, current key first.
    secret_key: str | None = field(default=None, repr=False)
    secret_key_file: str | None = None
    #: which plugins run: ``bundled`` (default), ``all`` installed, or a comma-separated list of names.
    plugins: tuple[str, ...] = ("bundled",)
    #: largest ``first``/``last`` a connection accepts (API.md "Lists are connections").
    max_page_size: int = 100
    #: page size when a client names neither ``first`` nor ``last``.
    default_page_size: int = 20
    #: query limits (OWASP / GraphQL Armor defaults): nesting depth, aliases, tokens, and the cost, i.e. the
    #: rows a query may ask for (page sizes multiplied down the nesting).
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_cost: int = 10000
    #: requests per minute per client address and per credential (0: no limit); in process, per worker.
    rate_limit_per_address: int = 1200
    rate_limit_per_credential: int = 600
    #: SQLite busy timeout in milliseconds: how long a writer waits for another process's write lock.
    sqlite_busy_timeout_ms: int = 5000
    #: time zone of business dates (signing dates, due dates, working days).
    time_zone: str = "Asia/Shanghai"
    #: public holidays (ISO dates, comma-separated in the environment) and weekend days worked instead.
    holidays: tuple[str, ...] = ()
    working_weekends: tuple[str, ...] = ()
    #: trailing-12-month signed value at or above which an account is STRATEGIC (exclusive) / CORE (inclusive).
    strategic_threshold: Decimal = Decimal("10000000")
    core_threshold: Decimal = Decimal("1000000")
    #: hours a login session lasts; failed logins per e-mail and per client address allowed in the window.
    session_hours: int = 12
    login_window_minutes: int = 15
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    #: staffing model (DOMAIN.md section 1), reported as warnings.
    max_core_accounts_per_manager: int = 5
    managers_per_data_analyst: int = 10
    managers_per_contract_specialist: int = 10
    managers_per_solution_expert: int = 5
    #: webhooks: post to private/loopback addresses too (tests, closed networks); deliver from the server process.
    webhook_allow_private: bool = False
    webhook_worker: bool = True
    #: the first retry of a failed delivery, in seconds; each next one waits twice as long.
    webhook_first_retry_seconds: int = 10
    #: resolve lists whose fields it knows in one pass (kamgraph/api/fastpath.py); off only to compare or bisect.
    fast_path: bool = True
    #: run due jobs inside the server process (the embedded deployment); off where `kamgraph jobs worker` runs.
    job_scheduler: bool = True
    #: serve GraphiQL at /graphql for browsers.
    graphiql: bool = True
    #: browser origins allowed to call the API from their pages (CORS), comma-separated, e.g.
    #: ``https://kam.example.com``; ``*`` allows any. None by default: only same-origin pages and non-browser clients.
    cors_origins: tuple[str, ...] = ()
    #: ``text`` (a terminal) or ``json`` (one object per line, for a log pipeline): kamgraph's and uvicorn's logs.
    log_format: str = "text"
    #: the bearer token Prometheus sends to GET /metrics; without one /metrics is open in development and
    #: not served in production.
    metrics_token: str | None = field(default=None, repr=False)
    #: extra keyword arguments reserved for plugins: ``KAMGRAPH_<PLUGIN>_<NAME>``, kept as raw strings.
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read every ``KAMGRAPH_<FIELD>`` variable; unknown ``KAMGRAPH_*`` names go to ``extra``."""
        environ = os.environ if environ is None else environ
        known = {f.name: f for f in fields(cls) if f.name != "extra"}
        values: dict[str, object] = {}
        extra: dict[str, str] = {}
        for key, raw in environ.items():
            if not key.startswith("KAMGRAPH_"):
                continue
            name = key[len("KAMGRAPH_") :].lower()
            if name not in known:
                extra[name] = raw
                continue
            values[name] = _coerce(known[name].type, raw)
        values["extra"] = extra
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(
            holidays=frozenset(date.fromisoformat(d) for d in self.holidays),
            working_weekends=frozenset(date.fromisoformat(d) for d in self.working_weekends),
        )

    def today(self) -> date:
        """Today in the business time zone."""
        return business_today(self.time_zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def default_key_file(self) -> Path:
        """Development only: the key file kamgraph creates with the database, never in the current directory:
        beside a SQLite file; for a server database, in the user's configuration folder, named after the
        database (``~/.config/kamgraph/keys/postgres-127.0.0.1-5432-kam.key``)."""
        if self.sqlite_path:
            return Path(f"{self.sqlite_path}.key")
        config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
        database = urlsplit(self.database_url)
        name = "-".join(
            str(part) for part in (database.scheme, database.hostname, database.port, database.path.strip("/")) if part
        )
        return Path(config) / "kamgraph" / "keys" / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')}.key"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        path = self.database_url.split("://", 1)[1].split("?", 1)[0]
        return None if path == ":memory:" else Path(path)


# --- plugins' settings: KAMGRAPH_<PLUGIN>_<NAME>, kept raw in Settings.extra under "<plugin>_<name>" -------

TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def extra_ints(extra: Mapping[str, str], name: str, error: type[ValueError] = ValueError) -> list[int] | None:
    """A plugin's comma-separated whole numbers (one number is a list of one), or None when not set; a value
    that is not one raises ``error`` naming the variable."""
    raw = extra.get(name, "").strip()
    if not raw:
        return None
    try:
        return [int(part) for part in raw.split(",")]
    except ValueError:
        raise error(f"KAMGRAPH_{name.upper()}: {raw!r} is not a whole number") from None


def extra_int(
    extra: Mapping[str, str], name: str, default: int, low: int, high: int, error: type[ValueError] = ValueError
) -> int:
    """A plugin's whole-number setting within [low, high], ``default`` when not set."""
    found = extra_ints(extra, name, error)
    if found is None:
        return default
    if len(found) != 1 or not low <= found[0] <= high:
        raise error(f"KAMGRAPH_{name.upper()} must be {low}-{high}, not {extra[name].strip()}")
    return found[0]


def extra_flag(extra: Mapping[str, str], name: str, default: bool, error: type[ValueError] = ValueError) -> bool:
    """A plugin's true-or-false setting, ``default`` when not set."""
    raw = extra.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in TRUE | FALSE:
        raise error(f"KAMGRAPH_{name.upper()} is true or false, not {raw!r}")
    return raw in TRUE


def _coerce(type_name: object, raw: str) -> object:
    text = str(type_name)
    if text.startswith("tuple"):
        return _split(raw)
    if text == "str | None":
        return raw or None
    if text == "int":
        return int(raw)
    if text == "bool":
        return raw.strip().lower() in TRUE
    if text == "Decimal":
        return Decimal(raw)
    return raw
