"""Code blocks highlighted when saved, styled by our own stylesheet (light and dark), the
sanitizer keeping those classes and nothing more; and each post's reading time."""

from __future__ import annotations

import re
from pathlib import Path

from blog.content.highlight import TOKEN_CLASSES, stylesheet
from blog.content.markdown import _sanitize, render_markdown

from .conftest import register
from .posts_helpers import create_post

CODE_CSS = Path(__file__).resolve().parents[1] / "blog" / "static" / "css" / "code.css"


async def test_a_saved_post_shows_its_code_highlighted_without_javascript(client):
    await register(client, "alice")
    body = "Some code:\n\n```python\ndef greet(name):\n    return f\"hi {name}\"  # friendly\n```\n"
    post = await create_post(client, title="Code", body=body)
    page = await (await client.get(post)).text()
    assert '<span class="tok-k">def</span>' in page
    assert '<span class="tok-nf">greet</span>' in page
    assert '<span class="tok-c1"># friendly</span>' in page
    assert re.search(r'<link rel="stylesheet" href="/static/css/code.css\?v=[^"]+">', page)
    css = await client.get("/static/css/code.css")
    assert css.status == 200 and "pre .tok-k" in await css.text()


def test_the_stylesheet_has_every_colour_for_the_light_and_the_dark_theme() -> None:
    css = CODE_CSS.read_text()
    assert css == stylesheet(), "code.css is out of date: regenerate it with the command in its first line"
    light, dark = css.split("@media (prefers-color-scheme: dark) {")
    for theme in (light, dark):
        assert "pre .tok-k " in theme and "pre .tok-s2 " in theme and "pre .tok-c1 " in theme
        assert re.search(r"pre \{ background: #[0-9a-f]{6}", theme)


def test_the_sanitizer_keeps_token_classes_and_nothing_more() -> None:
    assert "tok-k" in TOKEN_CLASSES and "tok-nf" in TOKEN_CLASSES
    cleaned = _sanitize('<span class="tok-k evil">a</span><span class="evil" style="color:red" onclick="x()">b</span>'
                        '<span id="x" class="tok-s1">c</span>')
    assert cleaned == '<span class="tok-k">a</span><span>b</span><span class="tok-s1">c</span>'
    # Authors cannot write spans themselves: raw HTML in Markdown is text.
    assert render_markdown('<span class="tok-k">x</span>') == '<p>&lt;span class="tok-k"&gt;x&lt;/span&gt;</p>\n'


def test_unknown_languages_and_plain_fences_stay_plain_escaped_text() -> None:
    for fence in ("```\n<b>x</b>\n```", "```no-such-language\n<b>x</b>\n```"):
        out = render_markdown(fence)
        assert "<span" not in out and "&lt;b&gt;x&lt;/b&gt;" in out


async def test_posts_show_their_reading_time(client):
    await register(client, "alice")
    short = await create_post(client, title="Short", body="A few words.")
    long = await create_post(client, title="Long", body=" ".join(["word"] * 1150))
    assert '<span class="reading-time">1 min read</span>' in await (await client.get(short)).text()
    assert '<span class="reading-time">5 min read</span>' in await (await client.get(long)).text()
