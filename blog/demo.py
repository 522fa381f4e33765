"""Demo content for `python -m blog seed-demo`: a few authors and as many realistic posts as asked for.

Rendering Markdown costs far more than inserting a row, so bodies are put
together from a pool of a few hundred blocks (paragraphs, headings, lists,
code, quotes, tables), each rendered once. Every block is a complete
Markdown block and no two lists ever touch, so the HTML of a body is exactly
the concatenation of its blocks' HTML: the same as `render_markdown` would
give for the whole body, at the cost of a string join.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slugify import slugify

from . import clock
from .markdown import render_markdown, summarize
from .passwords import hash_blocking
from .post_form import SUMMARY_MAX as EXCERPT_LIMIT  # the limit the post form gives summarize()
from .store import Store
from .store.seed import DemoPost
from .store.users import User

DEMO_PASSWORD = "demo password 2026"
EMAIL_DOMAIN = "demo.example.com"
BATCH_SIZE = 5000
YEARS = 5
DRAFT_SHARE = 0.05
SUMMARY_SHARE = 0.1
CACHE_LIMIT = 100_000

NAMES = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara",
)  # fmt: skip

TAGS = (
    "python", "asyncio", "sqlite", "databases", "web", "http", "performance", "security",
    "testing", "logging", "observability", "typing", "websockets", "search", "architecture",
    "devops", "docker", "ci", "teamwork", "process", "profiling", "debugging", "unicode",
    "datetime", "images", "markdown", "packaging", "aiohttp", "templates", "accessibility",
    "linux", "api", "css", "javascript", "git", "tooling", "career", "postgres", "caching",
    "refactoring",
)  # fmt: skip

# What a post is about, and the tags that go with it.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("asyncio cancellation", ("python", "asyncio")),
    ("task groups", ("python", "asyncio")),
    ("SQLite WAL mode", ("sqlite", "databases")),
    ("connection pooling", ("databases", "performance")),
    ("database migrations", ("databases", "sqlite")),
    ("structured logging", ("logging", "observability")),
    ("type hints", ("python", "typing")),
    ("property-based testing", ("testing", "python")),
    ("HTTP caching", ("http", "caching", "performance")),
    ("rate limiting", ("security", "web")),
    ("CSRF protection", ("security", "web")),
    ("password hashing", ("security", "python")),
    ("Content Security Policy", ("security", "web")),
    ("WebSockets", ("websockets", "web")),
    ("server-sent events", ("http", "web")),
    ("keyset pagination", ("databases", "performance")),
    ("full-text search", ("search", "sqlite")),
    ("background jobs", ("architecture", "python")),
    ("graceful shutdown", ("asyncio", "devops")),
    ("container images", ("docker", "devops")),
    ("CI pipelines", ("ci", "devops")),
    ("code review", ("teamwork", "process")),
    ("feature flags", ("process", "architecture")),
    ("error budgets", ("observability", "devops")),
    ("flame graphs", ("profiling", "performance")),
    ("memory leaks", ("debugging", "python")),
    ("Unicode normalization", ("unicode", "python")),
    ("time zones", ("datetime", "python")),
    ("image thumbnails", ("images", "performance")),
    ("Markdown rendering", ("markdown", "web")),
    ("HTML sanitization", ("security", "markdown")),
    ("dependency pinning", ("packaging", "python")),
    ("Python packaging", ("packaging", "python")),
    ("aiohttp middlewares", ("aiohttp", "web")),
    ("Jinja templates", ("templates", "web")),
    ("accessibility audits", ("accessibility", "web")),
    ("browser testing", ("testing", "javascript")),
    ("load testing", ("performance", "testing")),
    ("database backups", ("sqlite", "devops")),
    ("systemd units", ("linux", "devops")),
    ("TLS certificates", ("security", "devops")),
    ("JSON APIs", ("api", "web")),
    ("distributed tracing", ("observability",)),
    ("CSS grid layouts", ("css", "web")),
    ("git bisect", ("git", "debugging")),
    ("PostgreSQL indexes", ("postgres", "databases")),
    ("large refactorings", ("refactoring", "teamwork")),
    ("on-call rotations", ("career", "teamwork")),
    ("linters and formatters", ("tooling", "python")),
    ("cache invalidation", ("caching", "architecture")),
)  # fmt: skip

# Migration stories: from, to, and the topic whose paragraphs and tags the post gets.
MOVES = (
    ("PostgreSQL", "SQLite", "database backups"), ("Celery", "a plain asyncio queue", "background jobs"),
    ("Flask", "aiohttp", "aiohttp middlewares"), ("requests", "httpx", "asyncio cancellation"),
    ("Jenkins", "a twenty-line CI script", "CI pipelines"), ("cron", "systemd timers", "systemd units"),
    ("JavaScript", "TypeScript", "browser testing"), ("REST", "plain HTML forms", "JSON APIs"),
    ("Redis", "SQLite", "cache invalidation"), ("a monorepo", "separate repositories", "code review"),
    ("setup.py", "pyproject.toml", "Python packaging"), ("pip-tools", "uv", "dependency pinning"),
)  # fmt: skip

TITLES = (
    "Notes on {t} in practice", "A practical guide to {t}", "What I learned about {t} this {period}",
    "{T} without the hype", "{T}: a field guide", "Debugging {t} in production",
    "{n} things I wish I knew about {t}", "Understanding {t}", "Getting {t} right", "{T}, revisited",
    "The hidden costs of {t}", "How our team handles {t}", "A second look at {t}",
    "Why we care about {t}", "Lessons from a year of {t}", "{T} for small teams",
    "Testing {t} the boring way", "When {t} goes wrong", "Making {t} fast", "A checklist for {t}",
    "{T} and {u}: how they fit together", "Stop worrying about {t}", "{n} mistakes we made with {t}",
    "Reading the source: {t}", "{T} in {n} minutes",
)  # fmt: skip
TOPIC_INDEX = {topic: index for index, (topic, _) in enumerate(TOPICS)}
MOVE_TITLES = ("Why we moved from {a} to {b}", "From {a} to {b} in {n} weeks", "{a} or {b}? It depends")
PERIODS = ("week", "month", "quarter", "year")

CODE = (
    "`asyncio.timeout()`", "`PRAGMA journal_mode=WAL`", "`EXPLAIN QUERY PLAN`", "`await task`",
    "`git bisect run`", "`functools.lru_cache`", "`time.perf_counter()`", "`Cache-Control: no-store`",
    "`WHERE (published_at, id) < (?, ?)`", "`asyncio.TaskGroup`", "`contextlib.suppress`",
    "`pytest -x --lf`", "`Retry-After`", "`unicodedata.normalize`", "`zoneinfo.ZoneInfo`",
    "`SameSite=Lax`", "`BEGIN IMMEDIATE`", "`tracemalloc`", "`py-spy dump`", "`ANALYZE`",
)  # fmt: skip
LINKS = (
    ("the asyncio documentation", "https://docs.python.org/3/library/asyncio.html"),
    ("the SQLite WAL notes", "https://www.sqlite.org/wal.html"),
    ("the aiohttp docs", "https://docs.aiohttp.org/"),
    ("MDN's caching guide", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Caching"),
    ("the OWASP cheat sheet", "https://cheatsheetseries.owasp.org/"),
    ("PEP 484", "https://peps.python.org/pep-0484/"),
    ("the twelve-factor app", "https://12factor.net/"),
    ("the query planner overview", "https://www.sqlite.org/queryplanner.html"),
    ("the packaging guide", "https://packaging.python.org/"),
    ("the WCAG quick reference", "https://www.w3.org/WAI/WCAG22/quickref/"),
    ("the Hypothesis docs", "https://hypothesis.readthedocs.io/"),
    ("the Git book", "https://git-scm.com/book/en/v2"),
)  # fmt: skip
METRICS = ("p99 latency", "throughput", "memory use", "start-up time", "error rate", "time to first byte")
RESOURCES = ("memory", "CPU time", "disk", "complexity", "latency", "code", "network round trips")

TOPIC_SENTENCES = (
    "The first thing to know about {t} is that it rarely fails the way you expect.",
    "We spent {n} days chasing a bug that turned out to be {t} interacting badly with {u}.",
    "It is tempting to reach for {t} early; resist until you have numbers.",
    "Under load, {t} behaves very differently than it does on a laptop.",
    "This is where {t} earns its keep.",
    "Most write-ups on {t} stop at the happy path, which is exactly where the trouble is not.",
    "We adopted {t} {period}s ago and have not regretted it, mostly.",
    "The documentation for {t} is good, but it assumes you already know about {u}.",
    "Nobody on the team had touched {t} before, so we started with a small prototype.",
    "If {t} is new to you, {link} is a better starting point than any blog post, this one included.",
    "A small benchmark showed a {pct}% improvement in {metric} once {t} was configured properly.",
    "The failure mode of {t} is *quiet*: nothing crashes, things just get slower.",
    "Getting {t} right took **three attempts** and one long afternoon.",
    "With {t}, the defaults are reasonable; the trouble starts when you change them.",
    "Think of {t} as a trade: more {resource} for less {resource2}.",
)  # fmt: skip
GENERAL_SENTENCES = (
    "Measure first, then change one thing at a time.",
    "Most of the time, {code} is all you need.",
    "The fix was **a single line**, and finding it took a week.",
    "If you measure only one thing, measure {metric}.",
    "*Nobody* reads the logs until something breaks, so make them worth reading.",
    "We now run a check for this in CI, so it cannot come back quietly.",
    "Keep the happy path boring and make the failure path loud.",
    "That sounds obvious, but we got it wrong twice.",
    "See {link} for the details we skip here.",
    "A test that cannot fail is worse than no test at all.",
    "The numbers below come from a two-core virtual machine, so treat them as relative.",
    "In hindsight, the warning signs were in the metrics for weeks.",
    "Reading the source was faster than searching for answers.",
    "The simplest version survived every review; the clever one did not.",
    "We wrote it down as a checklist, because nobody remembers the fifth step at 3 a.m.",
    "Our {metric} dropped by {pct}% and stayed there.",
    "It costs a little {resource}, which is fine for a team of our size.",
    "Reviewers asked good questions, and {code} was the answer to most of them.",
    "There is no silver bullet here, only a handful of careful defaults.",
    "Nothing about this is new; it is just easy to forget.",
    "The first version worked on every machine except the one that mattered.",
    "We kept the old code path behind a flag for two releases, just in case.",
    "Half of the work was deleting code nobody had called in years.",
    "Our staging environment hid the problem because it had a tenth of the data.",
    "A colleague spotted the issue in review, which is what reviews are for.",
    "The logs told us what happened; only the metrics told us how often.",
    "We wrote a small script to reproduce it, and that script is now a test.",
    "Every default we changed is documented next to the setting, with the reason.",
    "Rolling it out took an afternoon; convincing ourselves it was safe took longer.",
    "It turned out the library had a setting for exactly this, three pages into the docs.",
    "When in doubt, we picked the option that was easier to undo.",
    "None of this needed a new dependency.",
)  # fmt: skip
SUMMARIES = (
    "A look at {t}, and what it changed for us.", "How we made {t} work for a small team.",
    "What {n} months of {t} taught us about {u}.", "Everything we got wrong about {t}, and how we fixed it.",
    "A short tour of {t}, with numbers.", "Why {t} is less scary than it looks.",
)  # fmt: skip
HEADINGS = (
    "Background", "The problem", "What we tried first", "What actually worked", "Measuring it",
    "Results", "Takeaways", "Further reading", "A minimal example", "Trade-offs", "Pitfalls",
    "In production", "Testing it", "Why not something simpler?", "What we would do differently",
    "Open questions", "The setup", "Numbers", "A note on defaults", "Wrapping up",
)  # fmt: skip
LIST_ITEMS = (
    "Measure before you change anything.", "Keep {code} out of hot loops.",
    "Read {link} before upgrading.", "Write the failing test first.", "Log the request id with every error.",
    "Set a timeout on every network call.", "Prefer boring technology for the core path.",
    "Document the rollback before the rollout.", "Watch {metric} for a week afterwards.",
    "Budget {resource} explicitly.", "Automate the second time, not the first.",
    "Keep migrations small and reversible.", "Pin what you deploy; float what you test.",
    "Make the slow path observable.", "Review the diff, not the description.",
)  # fmt: skip
QUOTES = (
    "Premature optimization is the root of all evil.",
    "Make it work, make it right, make it fast.",
    "There are only two hard things in computer science: cache invalidation and naming things.",
    "Simple things should be simple, complex things should be possible.",
    "Errors should never pass silently, unless explicitly silenced.",
    "The best code is no code at all.",
    "If it hurts, do it more often.",
    "Debugging is twice as hard as writing the code in the first place.",
)  # fmt: skip
CODE_BLOCKS = (
    ("python", "async def fetch(session, url):\n    async with asyncio.timeout(10):\n"
               "        async with session.get(url) as response:\n            return await response.text()"),
    ("python", "async with asyncio.TaskGroup() as group:\n    for job in jobs:\n        group.create_task(run(job))"),
    ("python", "@functools.lru_cache(maxsize=1024)\ndef slug_for(title: str) -> str:\n    return slugify(title)"),
    ("python", "try:\n    await writer.drain()\nexcept ConnectionResetError:\n    log.info(\"client went away\")"),
    ("python", "started = time.perf_counter()\nresult = work()\nlog.info(\"took %.3f s\", time.perf_counter() - started)"),
    ("python", "@dataclass(frozen=True)\nclass Config:\n    host: str = \"127.0.0.1\"\n    port: int = 8080"),
    ("python", "def test_rejects_stale_form(client):\n    response = client.post(\"/posts/1/edit\", data={\"version\": 1})\n"
               "    assert response.status == 409"),
    ("sql", "SELECT id, title, published_at\n  FROM posts\n WHERE status = 'published'\n"
            "   AND (published_at, id) < (?, ?)\n ORDER BY published_at DESC, id DESC\n LIMIT 20;"),
    ("sql", "PRAGMA journal_mode = WAL;\nPRAGMA busy_timeout = 5000;\nPRAGMA foreign_keys = ON;"),
    ("sql", "CREATE INDEX posts_listed ON posts (published_at DESC, id DESC)\n    WHERE status = 'published';"),
    ("sql", "EXPLAIN QUERY PLAN\nSELECT * FROM post_tags WHERE tag = 'python' ORDER BY listed_at DESC;"),
    ("bash", "python -m pip install -e '.[test]'\npython -m pytest -x -q"),
    ("bash", "git bisect start HEAD v1.4.0\ngit bisect run python -m pytest tests/test_feed.py -q"),
    ("bash", "py-spy record -o profile.svg --pid \"$(pgrep -f 'blog serve')\""),
    ("bash", "sqlite3 instance/blog.sqlite3 \".backup 'backup.sqlite3'\""),
    ("toml", "[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\nfilterwarnings = [\"error\"]"),
    ("yaml", "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
             "      - run: python -m pytest"),
    ("ini", "[Service]\nExecStart=/srv/blog/venv/bin/blog serve --port 8080\nRestart=on-failure"),
    ("javascript", "const source = new EventSource(\"/live\");\nsource.addEventListener(\"post\", (event) => {\n"
                   "  render(JSON.parse(event.data));\n});"),
    ("css", ".post-list {\n  display: grid;\n  grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr));\n"
            "  gap: 1.5rem;\n}"),
    ("dockerfile", "FROM python:3.11-slim\nCOPY . /app\nRUN pip install /app\nCMD [\"blog\", \"serve\"]"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAuthor:
    username: str
    email: str
    role: str


def demo_authors(count: int) -> list[DemoAuthor]:
    """`demo-alice` (an editor, or the admin of an empty blog), then `demo-bob`, `demo-carol`... (authors); `demo-alice2` after `demo-yara`."""
    authors = []
    for index in range(count):
        rounds, name_index = divmod(index, len(NAMES))
        name = NAMES[name_index] + (str(rounds + 1) if rounds else "")
        authors.append(DemoAuthor(f"demo-{name}", f"{name}@{EMAIL_DOMAIN}", "editor" if index == 0 else "author"))
    return authors


class BlockPool:
    """Markdown blocks, each rendered once to HTML."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sources: list[str] = []
        self.html: list[str] = []
        self.by_topic = [[self._add(self._paragraph(topic, 5)) for _ in range(6)] for topic, _ in TOPICS]
        self.general = [self._add(self._paragraph(None, 3)) for _ in range(120)]
        self.headings = [self._add(f"## {heading}") for heading in HEADINGS]
        self.lists = [self._add(self._list()) for _ in range(40)]
        self.code = [self._add(f"```{language}\n{code}\n```") for language, code in CODE_BLOCKS]
        self.quotes = [self._add(f"> {quote}") for quote in QUOTES]
        self.tables = [self._add(self._table()) for _ in range(12)]

    def __len__(self) -> int:
        return len(self.sources)

    def _add(self, source: str) -> int:
        html = render_markdown(source)
        self.sources.append(source)
        self.html.append(html)
        return len(self.sources) - 1

    def _fill(self, template: str, topic: str | None) -> str:
        rng = self.rng
        label, url = rng.choice(LINKS)
        resource, resource2 = rng.sample(RESOURCES, 2)
        return template.format(
            t=topic or rng.choice(TOPICS)[0], u=rng.choice(TOPICS)[0], n=rng.randint(2, 12),
            period=rng.choice(PERIODS), link=f"[{label}]({url})", code=rng.choice(CODE),
            pct=rng.randint(5, 80), metric=rng.choice(METRICS), resource=resource,
            resource2=resource2,
        )  # fmt: skip

    def _paragraph(self, topic: str | None, sentences: int) -> str:
        rng = self.rng
        chosen = rng.sample(GENERAL_SENTENCES, rng.randint(sentences - 1, sentences + 1))
        if topic is not None:
            first, second = rng.sample(TOPIC_SENTENCES, 2)
            chosen[0] = first
            if rng.random() < 0.5:
                chosen.insert(rng.randint(1, len(chosen)), second)
        return " ".join(self._fill(sentence, topic) for sentence in chosen)

    def _list(self) -> str:
        items = [self._fill(item, None) for item in self.rng.sample(LIST_ITEMS, self.rng.randint(3, 5))]
        if self.rng.random() < 0.3:
            return "\n".join(f"{number}. {item}" for number, item in enumerate(items, 1))
        return "\n".join(f"- {item}" for item in items)

    def _table(self) -> str:
        rng = self.rng
        rows = [f"| {metric} | {rng.randint(20, 900)} | {rng.randint(10, 600)} |" for metric in rng.sample(METRICS, 3)]
        return "\n".join(["| Metric | Before | After |", "|:--|--:|--:|", *rows])


def _window(rng: random.Random, items: list[int], count: int) -> list[int]:
    """`count` different items, consecutive from a random place (wrapping round): cheaper than rng.sample."""
    start = rng.randrange(len(items))
    return (items[start:] + items[:start])[:count] if start + count > len(items) else items[start : start + count]


class PostWriter:
    """Makes DemoPost rows, each from its own slot of time, from one seeded random generator."""

    def __init__(self, rng: random.Random, author_ids: Sequence[int], pool: BlockPool) -> None:
        self.rng = rng
        self.author_ids = list(author_ids)
        # The first authors write most: weights 1, 1/2, 1/3...
        self.author_weights = [1 / (rank + 1) for rank in range(len(author_ids))]
        self.pool = pool
        # Titles and openings repeat, so both caches stay small (and are capped anyway).
        self._slug_stems: dict[str, str] = {}
        self._excerpts: dict[tuple[int, ...], tuple[str, bool]] = {}

    def posts(self, first: int, count: int, total: int, start: datetime, span: timedelta) -> list[DemoPost]:
        """Posts `first` to `first + count` of `total`: post i is dated in the i-th of `total` equal slots."""
        slot = span / total
        return [self._post(start + slot * (index + self.rng.random())) for index in range(first, first + count)]

    def _post(self, moment: datetime) -> DemoPost:
        rng = self.rng
        if rng.random() < 0.05:
            before, after, topic = rng.choice(MOVES)
            topic_index = TOPIC_INDEX[topic]
            title = rng.choice(MOVE_TITLES).format(a=before, b=after, n=rng.randint(2, 12))
        else:
            topic_index = rng.randrange(len(TOPICS))
            topic = TOPICS[topic_index][0]
            title = self._title(topic)
        topic_tags = TOPICS[topic_index][1]
        blocks = self._body(topic_index)
        pool = self.pool
        body = "\n\n".join([pool.sources[block] for block in blocks])
        body_html = "".join([pool.html[block] for block in blocks])
        summary = ""
        if rng.random() < SUMMARY_SHARE:
            summary = rng.choice(SUMMARIES).format(t=topic, u=rng.choice(TOPICS)[0], n=rng.randint(2, 12))
        return DemoPost(
            author_id=rng.choices(self.author_ids, self.author_weights)[0],
            slug_stem=self._slug_stem(title),
            title=title,
            summary=summary,
            excerpt=summary or self._excerpt(blocks),
            body=body,
            body_html=body_html,
            published=rng.random() >= DRAFT_SHARE,
            created_at=clock.iso(moment),
            tags=self._tags(topic_tags),
        )

    def _title(self, topic: str) -> str:
        rng = self.rng
        return rng.choice(TITLES).format(
            t=topic, T=topic[0].upper() + topic[1:], u=rng.choice(TOPICS)[0], n=rng.randint(3, 12),
            period=rng.choice(PERIODS),
        )  # fmt: skip

    def _slug_stem(self, title: str) -> str:
        stem = self._slug_stems.get(title)
        if stem is None:
            stem = slugify(title, max_length=80, word_boundary=True) or "post"
            if len(self._slug_stems) < CACHE_LIMIT:
                self._slug_stems[title] = stem
        return stem

    def _body(self, topic_index: int) -> list[int]:
        """Block ids: an introduction, then one to three sections.

        Lists, code, quotes and tables always follow a paragraph, so two lists
        never touch (they would merge into one list and change the HTML).
        """
        rng, pool = self.rng, self.pool
        on_topic = _window(rng, pool.by_topic[topic_index], 4)
        general = _window(rng, pool.general, 6)
        paragraphs = [on_topic[0], *general[:2], on_topic[1], *general[2:4], on_topic[2], *general[4:], on_topic[3]]
        blocks = [paragraphs.pop(0)]
        if rng.random() < 0.4:
            blocks.append(paragraphs.pop(0))
        headings = _window(rng, pool.headings, 3)
        for section in range(rng.choice((1, 1, 2, 2, 3))):
            if rng.random() < 0.7:
                blocks.append(headings[section])
            blocks.append(paragraphs.pop(0))
            if rng.random() < 0.5:
                kind = rng.random()
                if kind < 0.4:
                    blocks.append(rng.choice(pool.lists))
                elif kind < 0.75:
                    blocks.append(rng.choice(pool.code))
                elif kind < 0.9:
                    blocks.append(rng.choice(pool.quotes))
                else:
                    blocks.append(rng.choice(pool.tables))
                if rng.random() < 0.5:
                    blocks.append(paragraphs.pop(0))
        return blocks

    def _excerpt(self, blocks: list[int]) -> str:
        """summarize() of the whole body, worked out from as few leading blocks as give the same result.

        summarize() keeps the body's prose in order and cuts it at EXCERPT_LIMIT
        characters, so once the first blocks hold more prose than that, the rest
        cannot change the excerpt. (Bodies open with a paragraph, so there is
        always prose in the first block.) Openings repeat, so this is mostly a
        dictionary lookup.
        """
        excerpt = ""
        for count in range(1, len(blocks) + 1):
            key = tuple(blocks[:count])
            known = self._excerpts.get(key)
            if known is None:
                html = "".join([self.pool.html[block] for block in key])
                prose = summarize("", html, limit=len(html) + 1)  # all of it: longer than any text it holds
                known = (summarize("", html, EXCERPT_LIMIT), len(prose) > EXCERPT_LIMIT)
                if len(self._excerpts) < CACHE_LIMIT:
                    self._excerpts[key] = known
            excerpt, settled = known
            if settled:
                break
        return excerpt

    def _tags(self, topic_tags: tuple[str, ...]) -> tuple[str, ...]:
        rng = self.rng
        wanted = rng.choice((1, 2, 2, 3, 3, 3, 4, 4))
        tags = list(rng.sample(topic_tags, min(len(topic_tags), wanted)))
        while len(tags) < wanted:
            tag = rng.choice(TAGS)
            if tag not in tags:
                tags.append(tag)
        return tuple(tags)


async def ensure_authors(store: Store, count: int) -> list[User]:
    """The demo accounts, created with the demo password where they do not exist yet."""
    users: list[User] = []
    password_hash = None
    # In an empty blog the first demo account is its admin, as the first registration would be.
    first_role = "admin" if not await store.users.any_exist() else None
    for author in demo_authors(count):
        user = await store.users.by_username(author.username)
        if user is None:
            if password_hash is None:
                password_hash = hash_blocking(DEMO_PASSWORD)  # once: argon2 is slow on purpose
            role, first_role = first_role or author.role, None
            user = await store.users.create(author.username, author.email, password_hash, role)
        users.append(user)
    return users


async def seed_demo(
    store: Store,
    posts: int,
    authors: int = 5,
    seed: int = 1,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[User]:
    """Adds `posts` demo posts spread over the past years; returns the demo authors."""
    users = await ensure_authors(store, authors)
    rng = random.Random(seed)
    writer = PostWriter(rng, [user.id for user in users], BlockPool(rng))
    span = timedelta(days=365 * YEARS)
    start = clock.now() - span
    async with store.seed.bulk():
        for first in range(0, posts, batch_size):
            batch = writer.posts(first, min(batch_size, posts - first), posts, start, span)
            await store.seed.add_posts(batch)
            if on_batch is not None:
                on_batch(len(batch))
    return users
