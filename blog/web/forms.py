"""Reading HTML forms: text fields as clean strings, errors kept per field."""

from __future__ import annotations

from aiohttp import web


async def text_fields(request: web.Request, *names: str, strip: tuple[str, ...] = ()) -> dict[str, str]:
    """The named fields as strings ('' when missing; uploads are not text and read as '').

    Fields listed in `strip` lose surrounding white space; passwords keep theirs."""
    form = await request.post()
    values = {}
    for name in names:
        value = form.get(name, "")
        value = value if isinstance(value, str) else ""
        values[name] = value.strip() if name in strip else value
    return values


FieldErrors = dict[str, str]
