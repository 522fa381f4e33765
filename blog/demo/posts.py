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

from blog import clock
from blog.accounts.passwords import hash_blocking
from blog.content.markdown import render_markdown, summarize
from blog.content.post_form import SUMMARY_MAX as EXCERPT_LIMIT
from blog.demo.text import (
    CODE,
    CODE_BLOCKS,
    GENERAL_SENTENCES,
    HEADINGS,
    LINKS,
    LIST_ITEMS,
    METRICS,
    MOVE_TITLES,
    MOVES,
    NAMES,
    PERIODS,
    QUOTES,
    RESOURCES,
    SUMMARIES,
    TAGS,
    TITLES,
    TOPIC_INDEX,
    TOPIC_SENTENCES,
    TOPICS,
)
from blog.store import Store
from blog.store.seed import DemoPost
from blog.store.users import User

DEMO_PASSWORD = "demo password 2026"
EMAIL_DOMAIN = "demo.example.com"
BATCH_SIZE = 5000
YEARS = 5
DRAFT_SHARE = 0.05
SUMMARY_SHARE = 0.1
CACHE_LIMIT = 100_000

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
    on_batch: Callable[[int], object] | None = None,
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
