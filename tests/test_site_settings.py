"""/admin/settings: the site's own name, tagline, icon, navigation links and footer, open
registration and comments on new posts; admins only, in effect at once in every process."""

from __future__ import annotations

import re

from aiohttp import FormData

from blog.keys import STORE

from .conftest import csrf_token, register
from .posts_helpers import People, create_post, field_errors, make_image, people
from .test_posts_images import clean_up_now

SETTINGS = {"title": "Harbour Notes", "description": "Tides, boats and the people on them.",
            "footer": "© The harbour crew", "nav_links": "About | /pages/about\nElsewhere | https://example.org/",
            "registration_open": "on", "comments_default": "on"}


def settings_form(fields: dict[str, str], token: str, icon: bytes = b"") -> FormData:
    """The settings form as a browser sends it: multipart, unticked boxes left out, an icon file part."""
    data = FormData()
    for name, value in fields.items():
        if value != "off":
            data.add_field(name, value)
    data.add_field("csrf_token", token)
    data.add_field("icon", icon, filename="logo.png" if icon else "", content_type="image/png")
    return data


async def save(browser, icon: bytes = b"", **changes: str):  # type: ignore[no-untyped-def]
    token = await csrf_token(browser, "/admin/settings")
    return await browser.post("/admin/settings", data=settings_form({**SETTINGS, **changes}, token, icon),
                              allow_redirects=False)


async def test_only_admins_see_and_change_the_settings(client, other_browser):
    who: People = await people(client, other_browser)
    assert (await who.anon.get("/admin/settings", allow_redirects=False)).headers["Location"].startswith("/login")
    for browser in (who.alice, who.ed):  # an author, an editor
        assert (await browser.get("/admin/settings")).status == 403
        token = await csrf_token(browser, "/account")
        refused = await browser.post("/admin/settings", data=settings_form(SETTINGS, token), allow_redirects=False)
        assert refused.status == 403
    page = await who.root.get("/admin/settings")
    assert page.status == 200
    assert "Site settings" in await page.text()
    assert (await save(who.root)).status == 303
    nav = await (await who.root.get("/")).text()
    assert 'href="/admin/settings">Admin</a>' in nav
    assert 'href="/admin/settings"' not in await (await who.alice.get("/")).text()


async def test_title_tagline_footer_and_links_show_wherever_the_site_names_itself(client, other_browser):
    await register(client, "root")
    reader = other_browser()
    before = await (await reader.get("/")).text()  # anonymous: served from the page cache afterwards
    assert "<title>Home · blog</title>" in before
    saved = await save(client)
    assert saved.headers["Location"] == "/admin/settings?saved=1"
    assert "Saved." in await (await client.get(saved.headers["Location"])).text()

    for page in (await (await reader.get("/")).text(), await (await client.get("/")).text()):
        assert "<title>Home · Harbour Notes</title>" in page
        assert '<a class="brand" href="/">Harbour Notes</a>' in page
        assert '<p class="tagline">Tides, boats and the people on them.</p>' in page
        assert '<meta property="og:site_name" content="Harbour Notes">' in page
        assert '<meta name="description" content="Tides, boats and the people on them.">' in page
        assert "© The harbour crew" in page and "Served by blog" not in page
        links = re.search(r'<nav class="site-links wrap" aria-label="Site">(.*?)</nav>', page, re.DOTALL)
        assert links and '<a href="/pages/about">About</a>' in links.group(1)
        assert '<a href="https://example.org/">Elsewhere</a>' in links.group(1)
    error_page = await (await reader.get("/no/such/page")).text()
    assert "Harbour Notes" in error_page


async def test_settings_are_stored_and_every_process_sees_them_at_once(make_client, config, client):
    await register(client, "root")
    other_process = await make_client(config)  # a second app on the same data, as `serve --workers 2` has
    assert "<title>Home · blog</title>" in await (await other_process.get("/")).text()
    await save(client, title="Shared Name")
    assert "<title>Home · Shared Name</title>" in await (await other_process.get("/")).text()
    assert (await client.app[STORE].settings.stored())["title"] == "Shared Name"


async def test_errors_stay_at_their_fields_with_the_input_kept(client):
    await register(client, "root")
    response = await save(client, title="", footer="x" * 301, nav_links="About /pages/about")
    assert response.status == 400
    page = await response.text()
    errors = field_errors(page)
    assert errors["title"] == "Give the site a title."
    assert errors["footer"].startswith("Keep it to 300 characters")
    assert errors["nav_links"].startswith("Line 1: write a label, a '|' and an address")
    assert "About /pages/about</textarea>" in page
    bad_link = await save(client, nav_links="Trap | javascript:alert(1)")
    assert bad_link.status == 400
    assert "must be a path on this site" in field_errors(await bad_link.text())["nav_links"]
    other_site = await save(client, nav_links="Trap | //evil.example/")
    assert other_site.status == 400
    too_many = await save(client, nav_links="\n".join(f"L{n} | /pages/p{n}" for n in range(11)))
    assert "at most 10 links" in field_errors(await too_many.text())["nav_links"]
    assert "<title>Home · blog</title>" in await (await client.get("/")).text()  # nothing was saved


async def test_closing_registration_closes_the_form_the_api_and_the_nav_link(client, other_browser):
    await register(client, "root")
    assert (await save(client, registration_open="off")).status == 303
    visitor = other_browser()
    assert 'href="/register"' not in await (await visitor.get("/")).text()
    assert 'href="/register"' not in await (await visitor.get("/login")).text()
    closed = await visitor.get("/register")
    assert closed.status == 403 and "Registration is closed" in await closed.text()
    api = await visitor.post("/api/users", json={"user": {"username": "newbie", "email": "n@example.com",
                                                           "password": "a long password"}})
    assert api.status == 403 and (await api.json()) == {"errors": {"registration": ["is closed"]}}
    assert (await save(client, registration_open="on")).status == 303
    assert (await visitor.get("/register")).status == 200


async def test_the_registration_variable_is_only_the_default_of_a_fresh_install(make_client, config, tmp_path):
    from dataclasses import replace

    closed = await make_client(replace(config, registration_open=False))
    assert (await closed.get("/register")).status == 403
    await closed.app[STORE].settings.save({"registration_open": True})
    assert (await closed.get("/register")).status == 200


async def test_the_icon_is_cropped_square_and_shown_in_the_header(client):
    await register(client, "root")
    response = await save(client, icon=make_image("PNG", (300, 120)))
    assert response.status == 303, await response.text()
    page = await (await client.get("/")).text()
    icon = re.search(r'<img class="brand-icon" src="/images/([0-9a-f]{64}\.png)"', page)
    assert icon, page
    assert f'<link rel="icon" href="/images/{icon.group(1)}">' in page
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(await (await client.get(f"/images/{icon.group(1)}")).read()))
    assert image.size == (64, 64)

    assert (await save(client, title="Renamed")).status == 303  # saving other settings keeps the icon
    assert f'src="/images/{icon.group(1)}"' in await (await client.get("/")).text()

    bad = await save(client, icon=b"not an image")
    assert bad.status == 400
    assert "not a JPEG, PNG, GIF or WebP image" in field_errors(await bad.text())["icon"]

    assert (await save(client, remove_icon="1")).status == 303
    assert "brand-icon" not in await (await client.get("/")).text()
    await clean_up_now(client)  # no request deletes files: the cleanup does (see content/uploads.py)
    assert (await client.get(f"/images/{icon.group(1)}")).status == 404  # nothing else used the file


async def test_new_posts_take_comments_as_the_site_says_and_each_post_can_differ(client, other_browser):
    await register(client, "root")
    assert 'name="comments" value="on" checked' in await (await client.get("/posts/new")).text()
    assert (await save(client, comments_default="off")).status == 303
    form = await (await client.get("/posts/new")).text()
    assert re.search(r'name="comments" value="on"\s*>', form)  # not ticked
    quiet = await create_post(client, title="Quiet post")  # a form without the box: the site's setting
    assert "Comments are closed on this post." in await (await client.get(quiet)).text()
    chatty = await create_post(client, title="Chatty post", comments_shown="1", comments="on")
    assert 'id="comment-form"' in await (await client.get(chatty)).text()


async def test_the_settings_form_needs_the_csrf_token(client):
    await register(client, "root")
    response = await client.post("/admin/settings", data={"title": "Hijacked"})
    assert response.status == 403
    assert "<title>Home · blog</title>" in await (await client.get("/")).text()

