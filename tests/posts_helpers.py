"""Shared helpers for the posts tests: people with roles, the post form over multipart, pages parsed as HTML."""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from aiohttp import FormData
from PIL import Image

from blog.keys import STORE

from .conftest import csrf_token, register

POST_LINK = re.compile(r'<h2><a href="(/posts/\d+/[^"]+)">([^<]*)</a>')
IMAGE_NAME = re.compile(r"/images/([0-9a-f]{64}\.(?:jpg|png|gif|webp))")


# --- people ----------------------------------------------------------------


@dataclass
class People:
    """One browser per role; `root` registered first, so it is the admin; `ed` is the editor "eddie"."""

    root: Any
    alice: Any
    bob: Any
    ed: Any
    anon: Any


async def people(client, other_browser) -> People:  # type: ignore[no-untyped-def]
    """admin `root` (the test client), authors `alice` and `bob`, editor `ed` (username eddie), and an anonymous reader."""
    await register(client, "root")
    alice, bob, ed, anon = other_browser(), other_browser(), other_browser(), other_browser()
    await register(alice, "alice")
    await register(bob, "bob")
    await register(ed, "eddie")
    assert await client.app[STORE].users.set_role("eddie", "editor")
    return People(client, alice, bob, ed, anon)


# --- the post form -----------------------------------------------------------


def multipart(fields: dict[str, str], token: str, image: tuple[str, bytes, str] | None = None) -> FormData:
    """The post form as a browser sends it: multipart, with an (empty) file part."""
    data = FormData()
    for name, value in fields.items():
        data.add_field(name, value)
    data.add_field("csrf_token", token)
    filename, content, content_type = image or ("", b"", "application/octet-stream")
    # A file object, not bytes: aiohttp warns about (and so, here, refuses) bytes over 1 MB.
    data.add_field("image", io.BytesIO(content), filename=filename, content_type=content_type)
    return data


async def submit(browser, path: str, fields: dict[str, str], image: tuple[str, bytes, str] | None = None,
                 form_page: str | None = None):  # type: ignore[no-untyped-def]
    """Loads the form page for its token, then submits the form as multipart."""
    token = await csrf_token(browser, form_page or path)
    return await browser.post(path, data=multipart(fields, token, image), allow_redirects=False)


def new_post_fields(**fields: str) -> dict[str, str]:
    defaults = {"title": "A post", "body": "Some *body* text.", "summary": "", "tags": "", "status": "published"}
    return {**defaults, **fields}


async def create_post(browser, image: tuple[str, bytes, str] | None = None, **fields: str) -> str:  # type: ignore[no-untyped-def]
    """Writes a post through /posts/new and returns its address (the 303's Location)."""
    response = await submit(browser, "/posts/new", new_post_fields(**fields), image)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert re.fullmatch(r"/posts/\d+/[a-z0-9-]+", location), location
    return location


async def edit_post(browser, location: str, image: tuple[str, bytes, str] | None = None,
                    **changes: str):  # type: ignore[no-untyped-def]
    """Loads the edit form, changes some fields, submits it; returns the response (no redirects followed)."""
    page = await browser.get(location + "/edit", allow_redirects=False)
    assert page.status == 200, page.status
    values = form_values(await page.text())
    fields = {name: values[name] for name in ("title", "body", "summary", "tags", "status", "version")}
    fields.update({name: values[name] for name in ("image_alt", "publish_at", "timezone") if name in values})
    fields.update(changes)
    return await browser.post(location + "/edit", data=multipart(fields, values["csrf_token"], image),
                              allow_redirects=False)


def post_id(location: str) -> int:
    return int(location.split("/")[2])


# --- reading pages -------------------------------------------------------------


class _FormReader(HTMLParser):
    """Values a browser would submit: inputs, checked radios and checkboxes, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name not in self.values:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            elif kind != "file":
                self.values[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    return reader.values


class _FieldErrors(HTMLParser):
    """For each form field container (class "field"): the names of its inputs and its error text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[set[str], list[str]]] = []
        self._stack: list[tuple[str, int | None]] = []  # (tag, index into self.fields or None)
        self._in_error = 0

    def _field(self) -> int | None:
        for _, index in reversed(self._stack):
            if index is not None:
                return index
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            index = self._field()
            if tag == "input" and index is not None and a.get("name"):
                self.fields[index][0].add(a["name"])  # type: ignore[index]
            return
        index = None
        if "field" in classes:
            self.fields.append((set(), []))
            index = len(self.fields) - 1
        self._stack.append((tag, index))
        if "error" in classes:
            self._in_error += 1
            field = self._field()
            if field is not None:
                self.fields[field][1].append("")
        if tag == "textarea" and a.get("name") and self._field() is not None:
            self.fields[self._field()][0].add(a["name"])  # type: ignore[index, arg-type]

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "p" and self._in_error:
            self._in_error -= 1

    def handle_data(self, data: str) -> None:
        field = self._field()
        if self._in_error and field is not None and self.fields[field][1]:
            self.fields[field][1][-1] += data


def field_errors(page: str) -> dict[str, str]:
    """{field name: its error message}, for errors shown inside the field's own container."""
    parser = _FieldErrors()
    parser.feed(page)
    errors = {}
    for names, messages in parser.fields:
        for name in names:
            if messages:
                errors[name] = " ".join(" ".join(m.split()) for m in messages)
    return errors


def listed(page: str) -> list[tuple[str, str]]:
    """(address, title) of each post in a list page, in page order."""
    return [(href, html.unescape(title)) for href, title in POST_LINK.findall(page)]


def listed_titles(page: str) -> list[str]:
    return [title for _, title in listed(page)]


def pager_links(page: str) -> tuple[str | None, str | None]:
    """The (Newer, Older) links of a list page."""
    newer = re.search(r'<a rel="prev" href="([^"]+)">← Newer posts</a>', page)
    older = re.search(r'<a rel="next" href="([^"]+)">Older posts →</a>', page)
    return (html.unescape(newer.group(1)) if newer else None, html.unescape(older.group(1)) if older else None)


def image_names(page: str) -> list[str]:
    return IMAGE_NAME.findall(page)


# --- images ----------------------------------------------------------------------


def make_image(fmt: str, size: tuple[int, int] = (64, 48), noise: bool = False) -> bytes:
    """A small real image in `fmt`; `noise` makes it incompressible (large files)."""
    if noise:
        import os

        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
        if fmt == "GIF":
            image = image.convert("P")
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of `width` x `height` zeros, tiny on disk and huge in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    rows = row * 1000
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000))
    idat += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


async def trash_post(browser, location: str):  # type: ignore[no-untyped-def]
    """Presses "Move to trash" on the edit page; returns the response."""
    token = await csrf_token(browser, "/")
    return await browser.post(location + "/delete", data={"csrf_token": token}, allow_redirects=False)
