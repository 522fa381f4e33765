"""Reading what an API client sent: the JSON body, its fields, and the paging window.

The rules here are the ones blog/api/openapi.json states (patterns, lengths,
ranges), so a request the document calls valid is never refused with 422."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from blog.api.errors import ApiError, Errors, invalid

# Larger than any article the store accepts (100,000 characters), even escaped as \uXXXX.
MAX_BODY_BYTES = 2 * 1024 * 1024
READ_CHUNK = 64 * 1024
BLANK = "can't be blank"
# The characters Python's str.strip() removes, spelled out so that the same pattern means the
# same thing in Python and in the ECMAScript regexes of JSON Schema (their \s differ).
WHITESPACE = "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK_PATTERN = f"[^{WHITESPACE}]"
NOT_BLANK = re.compile(NOT_BLANK_PATTERN)

LIMIT_DEFAULT = 20
LIMIT_MAX = 100
OFFSET_MAX = 1_000_000_000
INTEGER = re.compile(r"([+-]?)0*([0-9]+)")
BIG_DIGITS = 19  # more digits than this is out of every range we accept


def is_json(content_type: str) -> bool:
    """application/json, or a structured type on it such as application/merge-patch+json."""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json"))


def _too_large() -> ApiError:
    return ApiError(413, {"body": [f"is too large (maximum is {MAX_BODY_BYTES} bytes)"]})


async def _read_limited(request: web.Request) -> bytes:
    """The body, read up to our limit: the app's client_max_size is sized for image uploads."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(READ_CHUNK):
        size += len(chunk)
        if size > MAX_BODY_BYTES:  # sent without Content-Length, or more than it announced
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(raw: bytes) -> Any:
    try:
        document = json.loads(raw)
        # Lone surrogates survive json.loads but not SQLite: refuse them here.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeError and too-long numbers are ValueErrors
        raise ApiError(400, {"body": ["is not valid JSON"]}) from None
    return document


async def read_object(request: web.Request, root: str) -> dict[str, Any]:
    """The object under `root` in a JSON body such as {"user": {...}}."""
    if request.body_exists and not is_json(request.content_type):
        raise ApiError(415, {"body": ["must be sent as application/json"]})
    raw = await _read_limited(request)
    if not raw.strip():
        raise invalid({root: [BLANK]})
    document = _decode(raw)
    if not isinstance(document, dict) or root not in document or document[root] is None:
        raise invalid({root: [BLANK]})
    fields = document[root]
    if not isinstance(fields, dict):
        raise invalid({root: ["must be an object"]})
    return fields


def optional_text(data: dict[str, Any], name: str, errors: Errors, *, nullable: bool = False) -> str | None:
    """The field's string, None when absent (or null where null is allowed); a wrong type is an error."""
    value = data.get(name)
    if value is None and (name not in data or nullable):
        return None
    if not isinstance(value, str):
        errors[name] = ["must be a string"]
        return None
    return value


def required_text(data: dict[str, Any], name: str, errors: Errors) -> str | None:
    """A field that must be a non-empty string."""
    value = optional_text(data, name, errors)
    if name not in errors and not value:
        errors[name] = [BLANK]
        return None
    return value


def is_blank(value: str) -> bool:
    return NOT_BLANK.search(value) is None


def too_long(maximum: int) -> str:
    return f"is too long (maximum is {maximum} characters)"


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int


def _integer(request: web.Request, name: str, default: int, minimum: int, maximum: int, errors: Errors) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    match = INTEGER.fullmatch(raw)
    if match is None:
        errors[name] = ["must be an integer"]
        return default
    sign, digits = match.groups()
    # Python refuses to parse enormous numbers; they are out of range whatever they are.
    value = int(digits) if len(digits) <= BIG_DIGITS else maximum + 1
    value = -value if sign == "-" else value
    if value < minimum:
        errors[name] = [f"must be greater than or equal to {minimum}"]
    elif value > maximum:
        errors[name] = [f"must be less than or equal to {maximum}"]
    return value


def window(request: web.Request) -> Window:
    """limit and offset from the query; anything out of range is a 422, never a surprise."""
    errors: Errors = {}
    limit = _integer(request, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, errors)
    offset = _integer(request, "offset", 0, 0, OFFSET_MAX, errors)
    if errors:
        raise invalid(errors)
    return Window(limit, offset)


def query_text(request: web.Request, name: str) -> str | None:
    """A filter from the query; empty means not given."""
    return request.query.get(name) or None
