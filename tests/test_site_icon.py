"""The site's icon: served at /favicon.ico and linked from every page."""

from __future__ import annotations

import io

from PIL import Image

from .conftest import register


async def test_favicon_is_an_icon_and_cached(client):
    response = await client.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "Content-Security-Policy" in response.headers
    icon = Image.open(io.BytesIO(await response.read()))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


async def test_every_page_links_the_icon(client):
    link = '<link rel="icon" href="/favicon.ico"'
    for path in ("/", "/login", "/register", "/no-such-page"):
        assert link in await (await client.get(path)).text(), path
    await register(client, "alice")
    for path in ("/", "/posts/new", "/account", "/authors/alice"):
        assert link in await (await client.get(path)).text(), path
