"""The words demo posts are made of: names, topics, titles, sentences, code.

Data only; blog/demo.py puts posts together from it."""

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
