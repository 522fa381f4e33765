"""What an import will write, read whole and checked before anything is written."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from slugify import slugify

from blog import clock
from blog.accounts.usernames import USERNAME_PATTERN
from blog.content.images import ImageRejected, check_image
from blog.content.markdown import foreign_images, render_markdown, summarize
from blog.content.post_form import SUMMARY_MAX, TITLE_MAX
from blog.store.images import InlineImage
from blog.store.transfer import NewAuthor, NewPost
from blog.transfer import TransferError

IMAGE_FILE = re.compile(r"[0-9a-f]{64}\.(jpg|png|gif|webp)")
NO_EMAIL_DOMAIN = "imported.invalid"  # a reserved name: mail there never leaves


@dataclass
class ImportPlan:
    source: str
    posts: list[NewPost] = field(default_factory=list)
    images: dict[str, Callable[[], bytes]] = field(default_factory=dict)
    image_sizes: list[tuple[str, str, int, int]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    foreign_images: int = 0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def username_from(*candidates: str) -> str:
    """The first candidate made into a valid username (letters, digits, - and _; 3 to 30)."""
    for candidate in candidates:
        name = slugify(candidate or "", separator="-", lowercase=False, max_length=30, regex_pattern=r"[^A-Za-z0-9_-]+")
        if name and len(name) < 3:
            name = (name + "-user")[:30]
        if name and USERNAME_PATTERN.fullmatch(name):
            return name
    return "imported-user"


def author(username: str, email: str = "", bio: str = "") -> NewAuthor:
    """An account for an import: a usable email when the source has one, else one that cannot receive mail."""
    try:
        address = validate_email(email, check_deliverability=False).normalized if email else ""
    except EmailNotValidError:
        address = ""
    return NewAuthor(username, address or f"{username.lower()}@{NO_EMAIL_DOMAIN}", bio)


def moment(text: object, where: str) -> str:
    """An ISO 8601 time from a file, as we store it (UTC, fixed width)."""
    try:
        parsed = clock.parse(str(text))
    except ValueError:
        raise TransferError(f"{where}: “{text}” is not a date and time (ISO 8601, such as 2024-05-01T09:30:00Z).") from None
    if parsed.tzinfo is None:
        raise TransferError(f"{where}: “{text}” has no time zone (write it in UTC, ending in Z).")
    return clock.iso(parsed)


def title_of(text: str) -> str:
    title = " ".join(text.split())[:TITLE_MAX]
    return title or "(untitled)"


def rendered(body: str, images: Mapping[str, InlineImage] | None, plan: ImportPlan) -> tuple[str, str]:
    """The body's HTML (sanitized, pictures from other sites as links) and the list's excerpt."""
    plan.foreign_images += len(foreign_images(body))
    html = render_markdown(body, images)
    return html, summarize(body, html, SUMMARY_MAX)


def checked_image(name: str, data: bytes, where: str) -> None:
    """An image file from an export must be one we could have written: its name is the hash
    of its bytes and its content is the image its extension says."""
    match = IMAGE_FILE.fullmatch(name)
    if not match:
        raise TransferError(f"{where}: “{name}” is not the name of an image file of this blog.")
    if hashlib.sha256(data).hexdigest() != name.split(".")[0]:
        raise TransferError(f"{where}: the file {name} does not hold the bytes its name promises (it was changed).")
    try:
        check_image(data, match.group(1))
    except ImageRejected as exc:
        raise TransferError(f"{where}: {name}: {exc}") from None
