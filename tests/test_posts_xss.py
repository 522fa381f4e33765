"""No input in any field of a post can put script on any page that shows it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

from .conftest import csrf_token, register
from .posts_helpers import (
    create_post,
    edit_post,
    form_values,
    multipart,
    new_post_fields,
    pager_links,
    people,
    post_id,
    submit,
    trash_post,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '" onfocus="alert(1)" autofocus="',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](javascript:alert(1))",
    '[t](https://example.com "x\\" onmouseover=\\"alert(1))',
    "<javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">a</a>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "```\"><script>alert(1)</script>\ncode\n```",
    "```js onload=alert(1)\ncode\n```",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "{{ 7*7 }}{% raw %}",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "background", "xlink:href", "data",
                  "srcdoc", "ping", "cite", "longdesc", "manifest"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "svg", "math", "style", "applet",
                  "template", "video", "audio", "source"}


class _Audit(HTMLParser):
    """Collects every tag or attribute that could run script in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._json_ld: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and attrs == [("type", "application/ld+json")]:
            self._json_ld = ""  # a data block browsers never run: it must hold JSON and nothing else
        elif tag == "script":
            src = dict(attrs).get("src") or ""
            self.scripts.append(src)
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in dict(attrs):
            self.problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json_ld is not None:
            try:
                json.loads(self._json_ld)
            except ValueError:
                self.problems.append(f"<script type=application/ld+json> holding {self._json_ld[:80]!r}")
            self._json_ld = None


def audit(page: str, where: str, *, full_page: bool = True) -> None:
    parser = _Audit()
    parser.feed(page)
    parser.close()
    assert parser.problems == [], where
    assert parser.scripts or not full_page, f"{where}: not a page of ours"  # our own /static/ scripts, nothing else


async def check(browser, path: str, seen: set[str], *, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = await browser.get(path, allow_redirects=False)
    assert response.status == status, (path, response.status)
    page = await response.text()
    audit(page, path, full_page=status != 301)
    assert not re.search(r"[<>\"'\s]", response.headers.get("Location", "")), path
    seen.add(path)
    return page


def tag_links(page: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/tags/[^"]+)"', page)))


async def test_no_field_can_put_script_on_any_page(client, other_browser):
    p = await people(client, other_browser)
    seen: set[str] = set()
    locations = []
    for n, payload in enumerate(PAYLOADS):
        location = await create_post(p.alice, title=f"{n} {payload}"[:200], body=f"Before {n}\n\n{payload}\n\nAfter",
                                     summary=payload[:300], tags=f"{payload}, safe")
        locations.append(location)
    everything = "\n\n".join(PAYLOADS)
    locations.append(await create_post(p.alice, title=PAYLOADS[0], body=everything, tags="all"))
    draft = await create_post(p.alice, title=PAYLOADS[3], body=everything, summary=PAYLOADS[1], status="draft")
    # The editor changes every post, so history has two texts to compare.
    for n, location in enumerate(locations):
        other = PAYLOADS[(-n - 1) % len(PAYLOADS)]
        response = await edit_post(p.ed, location, body=f"Edited {n}\n\n{other}", summary=other[:300],
                                   title=f"Edited {n} {other}"[:200], tags=other)
        assert response.status == 303, n
        locations[n] = response.headers["Location"]

    for location in locations + [draft]:
        for browser in (p.alice, p.anon) if location != draft else (p.alice,):
            page = await check(browser, location, seen)
            for tag_page in tag_links(page):
                if tag_page not in seen:
                    await check(p.anon, tag_page, seen)
        await check(p.alice, location + "/edit", seen)
        history = await check(p.alice, location + "/history", seen)
        for revision in re.findall(r'href="([^"]+/history/\d+)"', history):
            await check(p.alice, revision, seen)
    path: str | None = "/"
    while path:
        page = await check(p.anon, path, seen)
        path = pager_links(page)[1]
    await check(p.alice, "/authors/alice", seen)
    await check(p.anon, "/authors/alice", seen)
    assert len([s for s in seen if "/history/" in s]) == 2 * len(locations) + 1
    assert len([s for s in seen if s.startswith("/tags/")]) > 10

    # A form sent back with errors, and a conflict page, show the payloads again: still inert.
    for payload in PAYLOADS:
        response = await submit(p.alice, "/posts/new", new_post_fields(
            title=payload + "x" * 200, body=payload, summary=payload + "s" * 300, tags=payload))
        assert response.status == 400
        audit(await response.text(), "new post errors")
    target = locations[0]
    stale = form_values(await (await p.alice.get(target + "/edit")).text())
    assert (await edit_post(p.ed, target, body=everything, title=PAYLOADS[2], summary=PAYLOADS[8])).status == 303
    for payload in PAYLOADS:
        fields = {"title": payload, "body": payload, "summary": payload, "tags": payload, "status": "published",
                  "version": stale["version"]}
        response = await p.alice.post(target + "/edit", data=multipart(fields, stale["csrf_token"]),
                                      allow_redirects=False)
        assert response.status == 409
        audit(await response.text(), "conflict page")
    # The trash lists titles too.
    assert (await trash_post(p.alice, locations[1])).status == 303
    await check(p.alice, "/trash", seen)
    await check(p.root, "/trash", seen)
    # Payloads in addresses are escaped on error pages and lists alike.
    for payload in ('<script>alert(1)</script>', '"><svg onload=alert(1)>'):
        await check(p.anon, "/tags/" + quote(payload, safe=""), seen, status=301)  # to the normalised tag
        await check(p.anon, "/authors/" + quote(payload, safe=""), seen, status=404)
        await check(p.anon, f"/posts/{post_id(locations[2])}/{quote(payload, safe='')}", seen, status=301)


async def test_preview_output_is_sanitized(client):
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    for payload in PAYLOADS + ["\n\n".join(PAYLOADS)]:
        response = await client.post("/preview", data={"body": payload}, headers={"X-CSRF-Token": token})
        assert response.status == 200
        audit(await response.text(), payload, full_page=False)


async def test_code_blocks_keep_their_language_and_external_links_are_marked(client):
    await register(client, "alice")
    body = ("```python\nprint('<b>hi</b>')\n```\n\n"
            "[outside](https://example.com/page) and [inside](/posts/1/x) and <https://example.org>")
    location = await create_post(client, title="Markdown", body=body)
    page = await (await client.get(location)).text()
    # Highlighted into token spans when saved; the string inside stays escaped text.
    assert re.search(r'<pre tabindex="0"><code class="language-python"><span class="tok-nb">print</span>.*?'
                     r"<span class=\"tok-s1\">'&lt;b&gt;hi&lt;/b&gt;'</span>.*?</code></pre>", page, re.DOTALL)
    assert '<a href="https://example.com/page" rel="nofollow noopener">outside</a>' in page
    assert '<a href="/posts/1/x">inside</a>' in page
    assert '<a href="https://example.org" rel="nofollow noopener">https://example.org</a>' in page
    assert "<b>hi</b>" not in page


async def test_template_syntax_in_fields_is_shown_as_text(client):
    await register(client, "alice")
    location = await create_post(client, title="{{ 7*7 }}", body="{{ 7*7 }} {% if true %}x{% endif %}",
                                 summary="{{ config }}")
    page = await (await client.get(location)).text()
    assert "<h1>{{ 7*7 }}" in page and "{{ 7*7 }} {% if true %}x{% endif %}" in page
    assert "{{ config }}" in await (await client.get("/")).text()
