"""Time is stored in UTC as ISO 8601 text; these are the only ways we make it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a fixed width, so text order is time order in SQL."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return iso(now())


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ago(seconds: float) -> str:
    return iso(now() - timedelta(seconds=seconds))


def later(seconds: float) -> str:
    return iso(now() + timedelta(seconds=seconds))
