"""Configuration: one frozen dataclass, read from BLOG_* variables and flags."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

DAY = 24 * 60 * 60
SMTP_TLS_MODES = ("off", "starttls", "tls")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A BLOG_* variable holds a value we cannot use."""


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"expected on/off, got {value!r}")


@dataclass(frozen=True)
class Config:
    """Everything the app can be told; each field has a BLOG_<FIELD> variable."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("instance")
    secret_key: str | None = None
    secure_cookies: bool = False
    session_max_age: int = 14 * DAY
    registration_open: bool = True
    log_level: str = "INFO"
    # Threads that hash passwords, in each process; 0: half the machine's CPUs, shared by the
    # --workers processes (at least one each). argon2 is memory-hard: measured on 2 CPUs, one
    # hashing thread raised readers' p99 from 2.7 to 4.5 ms, two to 7.9 ms, even at nice 19
    # in another process, so logins must not have every core.
    password_workers: int = 0
    max_image_bytes: int = 10 * 1024 * 1024
    # Largest picture decoded, in pixels (width x height): what a decode costs in memory.
    max_image_pixels: int = 16_000_000
    api_token_max_age: int = 30 * DAY
    # Processes serving one port (SO_REUSEPORT); with more than one, live events and
    # cache invalidation travel between them through the database.
    workers: int = 1
    # Origins (scheme://host[:port]) whose pages may call /api from a browser; none by default.
    cors_origins: str = ""
    # The address readers reach the blog at (https://blog.example.com), for absolute URLs in
    # feeds, the sitemap, link previews and mails; unset, each request's own scheme and Host.
    base_url: str = ""
    # postgresql://user:password@host:5432/name: the data lives in PostgreSQL, which several
    # app servers can share; unset, in an SQLite file of the data folder.
    database_url: str = ""
    # Mail (password resets, email changes, notifications). Without an SMTP host, mails are written to
    # <data dir>/outbox/ as .eml files, so a fresh install works without a mail server.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = dataclasses.field(default="", repr=False)
    smtp_tls: str = "off"  # off, starttls or tls
    # The sender's address; unset, noreply@ the host of BLOG_BASE_URL (or localhost).
    mail_from: str = ""
    # Addresses or networks of the proxies in front of the blog (127.0.0.1, 10.0.0.0/8),
    # comma-separated: only a connection from one of them may say, in X-Forwarded-For or
    # Forwarded, which client it speaks for. Empty: every client is its connection's address.
    trusted_proxies: str = ""
    # Accounts one client address may create per hour (HTML and API together).
    registrations_per_hour: int = 20
    # How long after writing a comment its author may still edit it (editors and admins always may).
    comment_edit_minutes: int = 30
    # Private messages one member may send per minute (every server together); more get 429.
    messages_per_minute: int = 20

    def __post_init__(self) -> None:
        if self.base_url:
            object.__setattr__(self, "base_url", _base_url(self.base_url))
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("BLOG_DATABASE_URL must be a postgresql:// address, such as "
                              "postgresql://blog:secret@127.0.0.1:5432/blog")
        if self.smtp_tls not in SMTP_TLS_MODES:
            raise ConfigError(f"BLOG_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)} (got {self.smtp_tls!r})")
        _networks(self.trusted_proxies)  # refused at start, not at the first request
        if self.registrations_per_hour < 1:
            raise ConfigError(f"BLOG_REGISTRATIONS_PER_HOUR must be 1 or more (got {self.registrations_per_hour})")
        if self.password_workers < 0:
            raise ConfigError(f"BLOG_PASSWORD_WORKERS must be 0 (automatic) or more (got {self.password_workers})")
        if self.comment_edit_minutes < 0:
            raise ConfigError(f"BLOG_COMMENT_EDIT_MINUTES must be 0 or more (got {self.comment_edit_minutes})")

    @property
    def password_threads(self) -> int:
        """The password_workers setting, with 0 worked out for this machine."""
        if self.password_workers:
            return self.password_workers
        return max(1, (os.cpu_count() or 1) // (2 * max(1, self.workers)))

    @property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return _networks(self.trusted_proxies) if self.trusted_proxies else ()

    @property
    def sender_address(self) -> str:
        if self.mail_from:
            return self.mail_from
        host = urlsplit(self.base_url).hostname if self.base_url else None
        return f"noreply@{host or 'localhost'}"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def cors_origin_set(self) -> frozenset[str]:
        return frozenset(origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip())

    @property
    def database_path(self) -> Path:
        """The SQLite file, when there is no BLOG_DATABASE_URL."""
        return self.data_dir / "blog.sqlite3"

    @property
    def database(self) -> str | Path:
        """Where the data lives: the PostgreSQL URL, or the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_name(self) -> str:
        """The database as it may be shown (a URL without its password)."""
        if not self.database_url:
            return str(self.database_path)
        parts = urlsplit(self.database_url)
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        return f"{parts.scheme}://{parts.username + '@' if parts.username else ''}{host}{parts.path}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Config":
        """Defaults, then BLOG_* variables, then explicit overrides (command-line flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}  # each value parsed to its field's type by _parse
        for setting in dataclasses.fields(cls):
            raw = environ.get(f"BLOG_{setting.name.upper()}")
            if raw is not None:
                values[setting.name] = _parse(setting.name, setting.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(str(values["data_dir"]))
        return cls(**values)


def _base_url(value: str) -> str:
    """An absolute http(s) address without a path, normalised without its final slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(f"BLOG_BASE_URL must be an absolute http(s) address without a path, "
                          f"such as https://blog.example.com (got {value!r})")
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise ConfigError(f"BLOG_BASE_URL has a port that is not a number (got {value!r})") from None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _networks(value: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8, ::1' as networks (an address is a network of one)."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"BLOG_TRUSTED_PROXIES: {item!r} is not an IP address or network; give addresses "
                              f"or networks separated by commas, such as 127.0.0.1,10.0.0.0/8") from None
    return tuple(networks)


def _parse(name: str, kind: object, raw: str) -> object:
    try:
        if kind in ("int", int):
            return int(raw)
        if kind in ("bool", bool):
            return _flag(raw)
    except ValueError as exc:
        raise ConfigError(f"BLOG_{name.upper()}: {exc}") from None
    return raw
