"""Full-text search over public posts, behind one method: `Search.posts(text, page)`.

What a reader typed is read the same way whatever the engine (words, and "quoted
phrases", all of which must match); `Search._fts5` asks SQLite's FTS5, `Search._tsvector`
PostgreSQL's full-text search (schema.postgresql.sql), for the same answer: the newest
CANDIDATES matches, ordered by where the words are, with a snippet of the body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from blog.store.db import Database, Row
from blog.store.post_lists import TAGS_COLUMN
from blog.store.remembered import Remembered

PAGE_SIZE = 10
MAX_TERMS = 10
# How matches are ordered, at a cost that does not grow with the blog: the newest
# CANDIDATES matches are taken straight off the end of the index (FTS5 walks its lists
# by rowid and stops), then ordered by where the words are, title first, newest first
# within each. bm25 was measured and set aside: it counts every match of every word
# first (its IDF), 50 to 100 ms for two common words in a million posts.
CANDIDATES = 1000
MAX_PAGE = CANDIDATES // PAGE_SIZE
SNIPPET_WORDS = 24
# Where the words are, and what it weighs: all of them in the title beats all in the tags...
WEIGHTS = (("title", 4), ("tags", 2), ("summary", 1))
# Private-use characters around matched words in a snippet, split into segments here,
# so that no markup of any kind leaves the store.
MARK_START, MARK_END = "\ue000", "\ue001"
ANGLE = "\ue002"  # stands in for "<" while PostgreSQL makes a snippet
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchQuery:
    """The terms of a search: each a word, or the words of a quoted phrase, in order."""

    terms: tuple[tuple[str, ...], ...]
    dropped: int = 0  # terms beyond MAX_TERMS, left out

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True)
class SearchHit:
    id: int
    slug: str
    title: str
    author: str
    published_at: str
    tags: tuple[str, ...]
    # The body around the matched words: (text, matched) segments, plain text.
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit]
    page: int
    more: bool  # a further page exists
    # HTML made from these results (see templating.keep_on): they are shared by everybody who
    # searches for the same words until the next change, so their list need only be made once.
    rendered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def _printable(text: str) -> str:
    """Control and format characters (NUL, escapes, bidi overrides...) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") else ch for ch in text)


def parse_query(text: str) -> SearchQuery:
    """Words and "quoted phrases" of whatever a reader typed; nothing in it is an operator.

    A lone quote opens a phrase that runs to the end. Only letters and digits count:
    punctuation separates words, as the index's tokenizer does ("don't" is two words)."""
    terms: list[tuple[str, ...]] = []
    for index, chunk in enumerate(_printable(text).split('"')):
        words = _WORD.findall(chunk.replace("_", " "))
        for term in [tuple(words)] if index % 2 else [(word,) for word in words]:
            if term and term not in terms:
                terms.append(term)
    return SearchQuery(tuple(terms[:MAX_TERMS]), max(0, len(terms) - MAX_TERMS))


def _fts5_match(query: SearchQuery) -> str:
    """Every term as an FTS5 string (a phrase of its words), all required: no user text is
    ever read as FTS5 syntax. Words hold only letters and digits, so need no escaping."""
    return " ".join('"' + " ".join(words) + '"' for words in query.terms)


def _segments(snippet: str) -> tuple[tuple[str, bool], ...]:
    """'a \ue000b\ue001 c' -> (('a ', False), ('b', True), (' c', False)). The marks are
    read as toggles, so a stray private-use character in a post cannot unbalance anything."""
    segments: list[tuple[str, bool]] = []
    marked = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", snippet):
        if part in (MARK_START, MARK_END):
            marked = part == MARK_START
        elif part:
            segments.append((part, marked))
    return tuple(segments)


def _hit(row: Row) -> SearchHit:
    return SearchHit(row["id"], row["slug"], row["title"], row["author"], row["published_at"],
                     tuple(row["tags"].split(",")) if row["tags"] else (), _segments(row["snippet"] or ""))


class Search:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._results: Remembered[SearchResults] = Remembered(db, max_entries=1000)

    async def posts(self, text: str, page: int = 1) -> SearchResults:
        """Public posts matching every term of `text`, best first, PAGE_SIZE a page (1 to MAX_PAGE);
        remembered until the next change. Raises ValueError for a page out of that range."""
        if not 1 <= page <= MAX_PAGE:
            raise ValueError(page)
        query = parse_query(text)
        if not query:
            return SearchResults(query, [], page, False)
        read = self._fts5 if self.db.engine == "sqlite" else self._tsvector
        results = await self._results.get((query, page), lambda: read(query, page))
        assert results is not None
        return results

    async def _fts5(self, query: SearchQuery, page: int) -> SearchResults:
        in_columns = " + ".join(
            f"{weight} * (id IN (SELECT rowid FROM post_search WHERE post_search MATCH '{{{column}}} : (' || :match || ')'"
            " AND rowid >= (SELECT MIN(id) FROM candidates)))" for column, weight in WEIGHTS)
        rows = await self.db.fetchall(
            "WITH candidates AS MATERIALIZED"
            " (SELECT rowid AS id FROM post_search WHERE post_search MATCH :match ORDER BY rowid DESC LIMIT :candidates),"
            # The page first, snippets after: FTS5 makes a snippet by reading the post again.
            f" page AS MATERIALIZED (SELECT id, {in_columns} AS score FROM candidates"
            "  ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset)"
            " SELECT posts.id, posts.slug, posts.title, posts.published_at, authors.username AS author,"
            f" {TAGS_COLUMN},"
            f" snippet(post_search, 2, char({ord(MARK_START)}), char({ord(MARK_END)}), '…', {SNIPPET_WORDS})"
            " AS snippet"
            " FROM page JOIN post_search ON post_search.rowid = page.id AND post_search MATCH :match"
            " JOIN posts ON posts.id = page.id JOIN users AS authors ON authors.id = posts.author_id"
            " ORDER BY page.score DESC, page.id DESC",
            {"match": _fts5_match(query), "candidates": CANDIDATES, "limit": PAGE_SIZE + 1,
             "offset": (page - 1) * PAGE_SIZE},
        )
        hits = [_hit(row) for row in rows[:PAGE_SIZE]]
        return SearchResults(query, hits, page, len(rows) > PAGE_SIZE and page < MAX_PAGE)

    async def _tsvector(self, query: SearchQuery, page: int) -> SearchResults:
        """PostgreSQL: each term a phrase query (never tsquery syntax), all of them required."""
        terms = {f"term{index}": " ".join(words) for index, words in enumerate(query.terms)}
        tsquery = " && ".join(f"phraseto_tsquery('blog_search', :{name})" for name in terms)
        in_columns = " + ".join(
            f"{weight} * (ts_filter(document, '{{{label}}}') @@ q.query)::int"
            for label, weight in (("a", 4), ("b", 2), ("c", 1)))
        rows = await self.db.fetchall(
            f"WITH q AS (SELECT {tsquery} AS query),"
            " candidates AS MATERIALIZED (SELECT post_id AS id, document FROM post_search, q"
            "  WHERE document @@ q.query ORDER BY post_id DESC LIMIT :candidates),"
            f" page AS MATERIALIZED (SELECT id, {in_columns} AS score FROM candidates, q"
            "  ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset)"
            " SELECT posts.id, posts.slug, posts.title, posts.published_at, authors.username AS author,"
            f" {TAGS_COLUMN},"
            # ts_headline drops what looks like markup; a snippet shows the text as written.
            f" replace(ts_headline('blog_search', replace(posts.body, '<', chr({ord(ANGLE)})), q.query,"
            f"  'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=8,"
            f"  MaxFragments=1, FragmentDelimiter=…'), chr({ord(ANGLE)}), '<') AS snippet"
            " FROM page CROSS JOIN q JOIN posts ON posts.id = page.id JOIN users AS authors ON authors.id = posts.author_id"
            " ORDER BY page.score DESC, page.id DESC",
            {**terms, "candidates": CANDIDATES, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE},
        )
        hits = [_hit(row) for row in rows[:PAGE_SIZE]]
        return SearchResults(query, hits, page, len(rows) > PAGE_SIZE and page < MAX_PAGE)
