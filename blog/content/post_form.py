"""The post form's fields: validation, tag normalisation, and rendering at save time."""

from __future__ import annotations

from slugify import slugify

from blog.content.markdown import render_markdown, summarize
from blog.store.posts import PostFields
from blog.web.forms import FieldErrors

TITLE_MAX = 200
BODY_MAX = 100_000
SUMMARY_MAX = 300
TAGS_MAX = 10
TAG_LENGTH_MAX = 40
STATUSES = ("draft", "published")
TAG_PATTERN = r"[^-a-z0-9_]+"  # what slugify replaces: tags keep letters, digits, - and _


def normalise_tag(raw: str) -> str:
    return slugify(raw, regex_pattern=TAG_PATTERN, max_length=TAG_LENGTH_MAX)


def parse_tags(text: str) -> list[str]:
    """Comma-separated input -> lowercase slugs, in order, without repeats or empties."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = normalise_tag(raw)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def validate_post(values: dict[str, str]) -> tuple[PostFields | None, FieldErrors]:
    """Clean fields ready to save (HTML rendered now, never at read time), or per-field errors."""
    errors: FieldErrors = {}
    title, body, summary = values["title"].strip(), values["body"], values["summary"].strip()
    if not title:
        errors["title"] = "Give the post a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if not body.strip():
        errors["body"] = "Write something in the body."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Keep the body to {BODY_MAX:,} characters (it has {len(body):,})."
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Keep the summary to {SUMMARY_MAX} characters (it has {len(summary)})."
    tags = parse_tags(values["tags"])
    if len(tags) > TAGS_MAX:
        errors["tags"] = f"Use at most {TAGS_MAX} tags (there are {len(tags)})."
    if values["status"] not in STATUSES:
        errors["status"] = "Choose draft or published."
    if errors:
        return None, errors
    body_html = render_markdown(body)
    excerpt = summary or summarize(body, body_html, SUMMARY_MAX)
    return PostFields(title, body, body_html, summary, excerpt, tuple(tags), values["status"]), {}
