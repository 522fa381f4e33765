"""Reading HTML forms: text fields as clean strings, errors kept per field.

Every form is read here, once per request, as a stream with limits of our own:
each text field is kept up to TEXT_FIELD_MAX_BYTES, a file up to the site's image
limit, and whatever is over is read and dropped. So a file that is too large, or a
pasted text that is far too long, costs no memory and loses nothing else the writer
typed: the handler gets every other field, and learns which file was too large.
(aiohttp's request.post() would refuse the whole request with a bare 413 instead,
and aiohttp does not limit request.multipart() at all.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from blog.keys import CONFIG, SUBMITTED_FORM

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Far above any field's own limit (a post's body is 100,000 characters, at most 1.2 MB
# percent-encoded), so a field is cut here only when it could never be accepted anyway.
TEXT_FIELD_MAX_BYTES = 2 * 1024 * 1024
TEXT_TOTAL_MAX_BYTES = 4 * 1024 * 1024
MAX_KEPT_FILES = 2  # the editor has two file fields (header image, picture for the text); more are read and dropped
MAX_FIELDS = 1000  # no form of ours has a tenth of this; more names are read and dropped
CHUNK = 64 * 1024


def body_limit(max_image_bytes: int) -> int:
    """The most of one request we read at all (413 past it): all the text we keep, and a file
    a few times over the image limit, still bring the form back with its error; more than
    that is a mistake or an attack, not worth reading."""
    return 4 * max_image_bytes + TEXT_TOTAL_MAX_BYTES + 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as a form sent it, within the size limit."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class SubmittedForm:
    """What a browser sent: the first value of each text field, and the files."""

    fields: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, Upload] = field(default_factory=dict)
    # Files over the image limit, not kept: field name -> their size in bytes.
    oversized: Mapping[str, int] = field(default_factory=dict)
    # Text fields longer than TEXT_FIELD_MAX_BYTES, kept cut to that length.
    cut: frozenset[str] = frozenset()

    def text(self, *names: str, strip: tuple[str, ...] = ()) -> dict[str, str]:
        """The named fields as strings ('' when missing); those in `strip` lose surrounding white space."""
        return {name: self.fields.get(name, "").strip() if name in strip else self.fields.get(name, "")
                for name in names}

    def chose_file(self, name: str) -> bool:
        """True when the writer picked a file for this field, kept or too large."""
        return name in self.files or name in self.oversized


async def read_form(request: web.Request) -> SubmittedForm:
    """The request's form, read once (the CSRF check and the handler share it)."""
    form = request.get(SUBMITTED_FORM)
    if form is None:
        form = await _read(request)
        request[SUBMITTED_FORM] = form
    return form


async def text_fields(request: web.Request, *names: str, strip: tuple[str, ...] = ()) -> dict[str, str]:
    """The named fields as strings ('' when missing; uploads are not text and read as '').

    Fields listed in `strip` lose surrounding white space; passwords keep theirs."""
    return (await read_form(request)).text(*names, strip=strip)


async def _read(request: web.Request) -> SubmittedForm:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.content_type not in ("", *FORM_TYPES):
        return SubmittedForm()
    reader = _FormReader(request, request.config_dict[CONFIG].max_image_bytes)
    try:
        if request.content_type == "multipart/form-data":
            await reader.read_multipart()
        else:
            await reader.read_urlencoded()
    except (ValueError, HttpProcessingError):  # aiohttp's words for a body that breaks the format's rules
        raise web.HTTPBadRequest(text="This form could not be read. Reload the page and try again.") from None
    return SubmittedForm(reader.fields, reader.files, reader.oversized, frozenset(reader.cut))


class _FormReader:
    def __init__(self, request: web.Request, max_image_bytes: int) -> None:
        self.request = request
        self.max_image_bytes = max_image_bytes
        self.body_limit = body_limit(max_image_bytes)
        self.fields: dict[str, str] = {}
        self.files: dict[str, Upload] = {}
        self.oversized: dict[str, int] = {}
        self.cut: set[str] = set()
        self.text_bytes = 0

    def _check_total(self) -> None:
        if self.request.content.total_bytes > self.body_limit:
            raise web.HTTPRequestEntityTooLarge(max_size=self.body_limit,
                                                actual_size=self.request.content.total_bytes)

    def _text_room(self) -> int:
        return max(0, min(TEXT_FIELD_MAX_BYTES, TEXT_TOTAL_MAX_BYTES - self.text_bytes))

    def _add_text(self, name: str, raw: bytes, was_cut: bool, value: str) -> None:
        self.text_bytes += len(raw)
        if name in self.fields or len(self.fields) >= MAX_FIELDS:
            return  # the first value of a name counts, as in request.post().get()
        self.fields[name] = value
        if was_cut:
            self.cut.add(name)

    # multipart/form-data: the post form, with its file ---------------------------------

    async def read_multipart(self) -> None:
        reader = await self.request.multipart()
        while (part := await reader.next()) is not None:
            self._check_total()
            if isinstance(part, MultipartReader):  # nested multipart: no form of ours sends it
                await part.release()
                continue
            name = part.name or ""
            if part.filename is not None:
                await self._read_file(part, name)
            else:
                raw, size = await self._read_part(part, self._text_room())
                self._add_text(name, raw, size > len(raw), raw.decode(part.get_charset("utf-8"), "replace"))

    async def _read_part(self, part: BodyPartReader, keep: int) -> tuple[bytes, int]:
        """Up to `keep` bytes of the part, and its whole size; the rest is read and dropped."""
        kept, size = bytearray(), 0
        while chunk := await part.read_chunk(CHUNK):
            self._check_total()
            size += len(chunk)
            if len(kept) < keep:
                kept += chunk[: keep - len(kept)]
        return bytes(kept), size

    async def _read_file(self, part: BodyPartReader, name: str) -> None:
        room = self.max_image_bytes if len(self.files) < MAX_KEPT_FILES and name not in self.files else 0
        data, size = await self._read_part(part, room)
        if not part.filename or size == 0:  # the file input was left empty
            return
        if size > self.max_image_bytes:
            self.oversized.setdefault(name, size)
        elif room:
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            self.files[name] = Upload(name, part.filename, content_type, data)

    # application/x-www-form-urlencoded: every other form ----------------------------------

    async def read_urlencoded(self) -> None:
        """name=value pairs split on '&' as they arrive, each kept up to the text limit."""
        pending, cut = bytearray(), False
        async for chunk in self.request.content.iter_chunked(CHUNK):
            self._check_total()
            start = 0
            while True:
                end = chunk.find(b"&", start)
                piece = chunk[start:] if end < 0 else chunk[start:end]
                room = self._text_room() - len(pending)
                if len(piece) > room:
                    pending += piece[:max(room, 0)]
                    cut = True
                else:
                    pending += piece
                if end < 0:
                    break
                self._add_pair(bytes(pending), cut)
                pending, cut, start = bytearray(), False, end + 1
        self._add_pair(bytes(pending), cut)

    def _add_pair(self, pair: bytes, cut: bool) -> None:
        if not pair.strip():
            return
        charset = self.request.charset or "utf-8"
        name, _, value = pair.decode(charset, "replace").partition("=")
        self._add_text(unquote_plus(name, charset, "replace"), pair, cut, unquote_plus(value, charset, "replace"))


FieldErrors = dict[str, str]
