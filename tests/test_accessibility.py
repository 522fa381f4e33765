"""What axe-core checks in the browser journeys (tests/browser), pinned down in plain HTTP
too: a level-one heading on every page, no empty table header, and a dark theme that
redefines every colour."""

from __future__ import annotations

import re

from aiohttp import encode_basic_auth

from blog.app import STATIC_DIR

from .conftest import STRONG_PASSWORD, register
from .posts_helpers import create_post

CSS = (STATIC_DIR / "css" / "site.css").read_text()


def h1s(page: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)


async def test_every_list_page_has_one_level_one_heading(client):
    await register(client, "alice")
    await create_post(client, title="Tagged", tags="news")
    for path in ("/", "/tags/news", "/authors/alice", "/feed", "/login", "/no-such-page"):
        response = await client.get(path)
        assert len(h1s(await response.text())) == 1, path
    assert h1s(await (await client.get("/")).text()) == ["Latest posts on blog"]
    assert '<h1 class="visually-hidden">' in await (await client.get("/")).text()


async def test_the_account_page_has_no_empty_table_header(client):
    await register(client, "alice")
    response = await client.post("/api/tokens", headers={"Authorization": encode_basic_auth("alice", STRONG_PASSWORD)})
    assert response.status == 201
    page = await (await client.get("/account")).text()
    assert "<table class=\"tokens\">" in page
    assert not re.search(r"<th[^>]*>\s*</th>", page)
    assert '<th><span class="visually-hidden">Revoke</span></th>' in page


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))


def test_the_dark_theme_redefines_every_colour_and_nothing_else_hard_codes_one():
    light = _variables(CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))])
    dark_start = CSS.index("@media (prefers-color-scheme: dark)")
    dark_root = CSS.index(":root {", dark_start)
    dark = _variables(CSS[dark_root:CSS.index("}", dark_root)])
    colours = {name for name, value in light.items() if value.startswith("#")}
    assert colours and colours == set(dark), colours ^ set(dark)
    assert "color-scheme: light dark" in CSS
    # Every other rule takes its colours from these variables.
    rules = CSS[:CSS.index(":root {")] + CSS[CSS.index("}", dark_root):]
    rules = rules.replace(CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))], "")
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", rules)

