"""What people say about themselves: a display name and a bio in Markdown, rendered and
sanitized when saved (like posts), for the profile form and the API alike."""

from __future__ import annotations

from blog.content.markdown import render_markdown
from blog.web.forms import FieldErrors

DISPLAY_NAME_MAX = 60
BIO_MAX = 1000


def validate_profile(values: dict[str, str]) -> tuple[dict[str, str], FieldErrors]:
    """The columns to save (display_name, bio, bio_html), or per-field errors."""
    errors: FieldErrors = {}
    name, bio = " ".join(values["display_name"].split()), values["bio"].strip()
    if len(name) > DISPLAY_NAME_MAX:
        errors["display_name"] = f"Keep your name to {DISPLAY_NAME_MAX} characters (it has {len(name)})."
    if len(bio) > BIO_MAX:
        errors["bio"] = f"Keep your bio to {BIO_MAX:,} characters (it has {len(bio):,})."
    return {"display_name": name, "bio": bio, "bio_html": bio_html(bio)} if not errors else {}, errors


def bio_html(bio: str) -> str:
    return render_markdown(bio) if bio.strip() else ""
