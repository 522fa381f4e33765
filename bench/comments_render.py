"""How long does a post page with 200 comments take to render, uncached?

    python bench/comments_render.py [--comments 200] [--renders 400] [--profile]

Builds the blog in this process on a fresh SQLite data folder, serves it on a free port of
127.0.0.1 (aiohttp's TestServer), registers three members through the forms (alice, the first
user: an admin and the post's author; bob and carol, members), publishes a post through the
form, then adds the comments through the same services the comment forms use: threads with
replies, reactions, @mentions, long Markdown with code and links, hostile HTML, some comments
edited and one deleted. Then it GETs the post page with a unique query string (so the page
cache never answers) as three readers: anonymous, bob (a member who wrote some comments) and
alice (the post's author, who moderates). The time of a render is measured inside the server,
around the handler (the innermost middleware): the comments' query, the reactions' query and
the template. Reported: median, p90 and p99 of that, and of the whole round trip, three times:
with nothing changed between renders; with a write elsewhere before every render (a reaction
given or taken back on another post's comment: what remembers query results forgets them, and
the section's kept comments are read again only if its stamps changed); and with a write in
this post's comment section before every render (a reaction on one of its comments), which is
what its readers pay while comments arrive. The two queries are also timed alone.

`--profile` runs cProfile around the handler only and prints its top lines (by own time).
Not part of the test suite; see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NamedTuple

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from blog.app import create_app  # noqa: E402
from blog.config import Config  # noqa: E402
from blog.content.comment_edits import edit_comment  # noqa: E402
from blog.content.comments import add_comment, delete_comment  # noqa: E402
from blog.content.reactions import EMOJIS, react  # noqa: E402
from blog.keys import STORE  # noqa: E402

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MARKER = "bench-render"

LONG_MARKDOWN = """A longer thought, with **bold**, _emphasis_, `code` and a [link](https://example.org/a?b=c&d=e).

> Quoting the post: "the readers should not notice".

1. first point, about <things> & "quotes"
2. second point
3. third point, naming @bob

```python
def render(comments):
    return "".join(comment.html for comment in comments)
```

And a last paragraph that goes on for a while so that the comment has the length of a real one,
with a few more words about caching, escaping, and what each reader may do with it.
"""
HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "\'&<>'


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Browser:
    """A cookie jar and a base URL: one reader."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def form(self, path: str, data: dict[str, str], form_page: str | None = None) -> str:
        async with self.session.get(self.base + (form_page or path)) as response:
            match = CSRF.search(await response.text())
        assert match, f"no csrf_token on {form_page or path}"
        async with self.session.post(self.base + path, data={**data, "csrf_token": match.group(1)},
                                     allow_redirects=False) as response:
            assert response.status == 303, f"{path}: {response.status} {await response.text()}"
            return response.headers["Location"]

    async def register(self, username: str) -> None:
        await self.form("/register", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})


async def build(app: web.Application, alice: Browser, bob: Browser, carol: Browser, count: int
                ) -> tuple[str, Changes]:
    """The post's path, with `count` comments on it, and the writes to make between renders."""
    for browser, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        await browser.register(name)
    path = await alice.form("/posts/new", {"title": "A post with many comments", "body": "Some words to discuss.",
                                           "summary": "", "tags": "bench", "status": "published"},
                            form_page="/posts/new")
    store = app[STORE]
    post = await store.posts.by_id(int(path.split("/")[2]))
    users = [await store.users.by_username(name) for name in ("alice", "bob", "carol")]
    assert post is not None and all(users)
    people = [user for user in users if user is not None]
    comments = []
    for n in range(count):
        author = people[n % 3]
        body = (LONG_MARKDOWN if n % 5 == 0 else HOSTILE if n % 17 == 0 else
                f"Comment {n}: short and *to the point*, thanks @{people[(n + 1) % 3].username}.")
        answering = comments[n - 1 - n % 4] if n % 4 and comments else None  # three replies per thread
        comments.append(await add_comment(app, post, author, body, answering))
    for n, comment in enumerate(comments):
        if n % 3 == 0:
            await react(app, comment, people[(n + 1) % 3], EMOJIS[n % len(EMOJIS)])
        if n % 7 == 0:
            await react(app, comment, people[(n + 2) % 3], EMOJIS[(n + 1) % len(EMOJIS)])
        if n % 11 == 0:
            await edit_comment(app, comment, people[0], comment.body + "\n\nEdited: a second thought.")
    if len(comments) >= 2:
        await delete_comment(app, comments[-2])  # a reply, deleted
    other_path = await alice.form("/posts/new", {"title": "Another post", "body": "Elsewhere.", "summary": "",
                                                 "tags": "bench", "status": "published"}, form_page="/posts/new")
    other_post = await store.posts.by_id(int(other_path.split("/")[2]))
    assert other_post is not None
    elsewhere = await add_comment(app, other_post, people[1], "A comment on another post.", None)

    async def write_elsewhere() -> None:
        await react(app, elsewhere, people[2], EMOJIS[0])  # given, then taken back, and so on

    async def write_here() -> None:
        await react(app, comments[0], people[2], EMOJIS[1])

    return path, Changes(write_elsewhere, write_here)


class Changes(NamedTuple):
    elsewhere: Callable[[], Awaitable[object]]
    here: Callable[[], Awaitable[object]]


def timing_middleware(times: list[float], profiler: cProfile.Profile | None) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def timed(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        if MARKER not in request.query_string:
            return await handler(request)
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            times.append((time.perf_counter() - started) * 1000)
            if profiler is not None:
                profiler.disable()
    return timed


async def measure(browser: Browser, path: str, renders: int, times: list[float],
                  change: Callable[[], Awaitable[object]] | None) -> tuple[list[float], list[float]]:
    times.clear()
    round_trips = []
    for n in range(renders):
        if change is not None:
            await change()
        started = time.perf_counter()
        async with browser.session.get(f"{browser.base}{path}?{MARKER}={n}-{time.monotonic_ns()}") as response:
            assert response.status == 200
            assert "X-Cache" not in response.headers or response.headers["X-Cache"] != "hit"
            await response.read()
        round_trips.append((time.perf_counter() - started) * 1000)
    return list(times), round_trips


async def time_queries(app: web.Application, post_id: int, times: int) -> None:
    """The two queries of the comments section on their own: what no rendering can save."""
    store = app[STORE]
    for name, query in (("comments query", lambda: store.comments.of_post(post_id)),
                        ("reactions query", lambda: store.reactions.of_post(post_id))):
        spent = []
        for _ in range(times):
            started = time.perf_counter()
            await query()
            spent.append((time.perf_counter() - started) * 1000)
        print(f"{name:26} alone   p50 {percentile(spent, 50):6.2f} ms  p99 {percentile(spent, 99):6.2f}")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="blog-comments-bench-") as folder:
        config = Config(data_dir=Path(folder) / "data", secret_key=Fernet.generate_key().decode())
        app = create_app(config)
        times: list[float] = []
        profiler = cProfile.Profile() if args.profile else None
        app.middlewares.append(timing_middleware(times, profiler))
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        base = str(server.make_url("")).rstrip("/")
        anonymous, alice, bob, carol = (Browser(base) for _ in range(4))
        try:
            path, changes = await build(app, alice, bob, carol, args.comments)
            async with anonymous.session.get(base + path) as response:
                page = await response.text()
            shown = len(re.findall(r'data-comment-id="\d+"', page))
            print(f"post {path}: {shown} comments shown, page {len(page.encode()):,} bytes (anonymous)")
            await time_queries(app, int(path.split("/")[2]), args.renders)
            for heading, change in (("nothing changed between renders:", None),
                                    ("a write elsewhere before every render:", changes.elsewhere),
                                    ("a write in this post's comments before every render:", changes.here)):
                print(heading)
                for name, browser in (("anonymous", anonymous), ("member (bob)", bob),
                                      ("author/moderator (alice)", alice)):
                    await measure(browser, path, min(50, args.renders), times, None)  # warm up
                    if profiler is not None:
                        profiler.clear()  # the warm-up is not profiled
                    handler, round_trip = await measure(browser, path, args.renders, times, change)
                    print(f"  {name:24} handler p50 {percentile(handler, 50):6.2f} ms"
                          f"  p90 {percentile(handler, 90):6.2f}  p99 {percentile(handler, 99):6.2f}"
                          f"  | round trip p50 {percentile(round_trip, 50):6.2f}  p99 {percentile(round_trip, 99):6.2f}"
                          f"  ({args.renders} renders)")
        finally:
            for browser in (anonymous, alice, bob, carol):
                await browser.session.close()
            await server.close()
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=200, help="comments on the post (default 200)")
    parser.add_argument("--renders", type=int, default=400, help="measured renders per reader (default 400)")
    parser.add_argument("--profile", action="store_true", help="cProfile the handler and print its top lines")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print (default 25)")
    asyncio.run(main(parser.parse_args()))
