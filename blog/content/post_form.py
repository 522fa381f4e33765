"""The post form's fields: validation, tag normalisation, the schedule, and rendering at save time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from slugify import slugify

from blog import clock
from blog.content.markdown import foreign_images, own_images, render_markdown, summarize
from blog.content.uploads import ALT_MAX
from blog.keys import IMAGE_FILES, STORE
from blog.store.images import InlineImage
from blog.store.posts import Post, PostFields
from blog.web.forms import FieldErrors

TITLE_MAX = 200
BODY_MAX = 100_000
SUMMARY_MAX = 300
TAGS_MAX = 10
TAG_LENGTH_MAX = 40
STATUSES = ("draft", "published", "scheduled")
TAG_PATTERN = r"[^-a-z0-9_]+"  # what slugify replaces: tags keep letters, digits, - and _
# What an HTML datetime-local field sends: minutes, or seconds (with a fraction when step < 1).
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?")
ZONE_NAME_MAX = 64


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


def validate_post(values: Mapping[str, str], images: Mapping[str, InlineImage] | None = None,
                  ) -> tuple[PostFields | None, FieldErrors]:
    """Clean fields ready to save (HTML rendered now, never at read time), or per-field errors.

    `images` are the uploads the body names, for their sizes (see validate_post_request)."""
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
    elif foreign := foreign_images(body):
        errors["body"] = (f"Pictures from other sites are not shown here ({foreign[0]}). Upload the picture "
                          "with “Add image” instead, or make it a link: [its description](its address).")
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Keep the summary to {SUMMARY_MAX} characters (it has {len(summary)})."
    tags = parse_tags(values["tags"])
    if len(tags) > TAGS_MAX:
        errors["tags"] = f"Use at most {TAGS_MAX} tags (there are {len(tags)})."
    image_alt = values.get("image_alt", "").strip()
    if len(image_alt) > ALT_MAX:
        errors["image_alt"] = f"Keep the description to {ALT_MAX} characters (it has {len(image_alt)})."
    status, publish_at = values["status"], None
    if status not in STATUSES:
        errors["status"] = "Choose draft, published or scheduled."
    elif status == "scheduled":
        publish_at = scheduled_time(values.get("publish_at", ""), values.get("timezone", ""), errors)
    if errors:
        return None, errors
    body_html = render_markdown(body, images)
    excerpt = summary or summarize(body, body_html, SUMMARY_MAX)
    return PostFields(title, body, body_html, summary, excerpt, tuple(tags), status, image_alt, publish_at), {}


def scheduled_time(local: str, zone_name: str, errors: FieldErrors) -> str | None:
    """The moment (UTC, ISO 8601) of a datetime-local value read in the IANA zone `zone_name`
    (UTC when there is none); None with an error for a missing, malformed or past time."""
    zone = _zone(zone_name.strip(), errors)
    if not local.strip():
        errors["publish_at"] = "Choose when the post should be published."
        return None
    if not LOCAL_TIME.fullmatch(local.strip()):
        errors["publish_at"] = "Give the date and time as YYYY-MM-DDTHH:MM, for example 2030-01-31T09:00."
        return None
    if zone is None:
        return None
    try:
        moment = datetime.fromisoformat(local.strip()).replace(tzinfo=zone).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        errors["publish_at"] = "This is not a date and time that exists. Choose another."
        return None
    if moment <= clock.now():
        errors["publish_at"] = "This time has already passed. Choose a time in the future, or publish now."
        return None
    return clock.iso(moment)


def _zone(name: str, errors: FieldErrors) -> ZoneInfo | timezone | None:
    if not name:
        return timezone.utc
    try:
        if len(name) > ZONE_NAME_MAX:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"“{name[:ZONE_NAME_MAX]}” is not a time zone we know. Reload the page and try again."
        return None


def local_text(moment_iso: str | None) -> str:
    """A stored UTC moment as a datetime-local value in UTC (the page's script shows it in the reader's zone)."""
    return clock.parse(moment_iso).strftime("%Y-%m-%dT%H:%M:%S") if moment_iso else ""


def schedule_values(post: Post) -> dict[str, str]:
    """The schedule fields of a saved post, as the form would send them back."""
    return {"publish_at": local_text(post.publish_at), "timezone": "UTC", "image_alt": post.image_alt}


async def validate_post_request(request: web.Request, values: Mapping[str, str],
                                ) -> tuple[PostFields | None, FieldErrors]:
    """validate_post with what the store and the image folder know: the sizes of the uploads
    the body shows, and a field error for a picture of ours whose file is gone."""
    names = own_images(values["body"])
    images = await request.config_dict[STORE].images.uploads_of(names)
    fields, errors = validate_post(values, images)
    missing = await request.config_dict[IMAGE_FILES].missing(names)
    if missing and "body" not in errors:
        errors["body"] = (f"The picture /images/{missing[0]} is no longer on this site. "
                          "Add it again with “Add image”, or remove it from the text.")
        fields = None
    return fields, errors
