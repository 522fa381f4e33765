"""Lists of posts, a page at a time: each page walks an index from a cursor (keyset
paging), so a page 100 deep costs what the first does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from blog import clock
from blog.store.db import SQLITE_INTEGER_MAX, Database, Row, ordered_list

PAGE_SIZE = 10
# Tags in their form order, as one column, so a list page costs one query.
TAGS_COLUMN = ordered_list("tag", "position", "FROM post_tags WHERE post_id = posts.id") + " AS tags"
# Public and in the lists: published, not in the trash, and a post (pages are linked only from the nav).
LISTED = "posts.status = 'published' AND posts.deleted_at IS NULL AND posts.kind = 'post'"


@dataclass(frozen=True)
class ListedPost:
    id: int
    slug: str
    title: str
    excerpt: str
    thumbnail: str | None
    published_at: str | None
    updated_at: str
    status: str
    author: str
    tags: tuple[str, ...]
    author_name: str = ""  # the author's display name, or username
    publish_at: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list and the cursors of its neighbours (None where there is none)."""

    posts: list[ListedPost]
    older: str | None
    newer: str | None
    # HTML made from this page, by whatever renders it: a Page is shared by every reader
    # until the next change, so its HTML need only be made once (see templating.keep_on).
    rendered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def tags_of(value: str | None) -> tuple[str, ...]:
    return tuple(value.split(",")) if value else ()


def encode_cursor(published_at: str | None, post_id: int) -> str:
    return f"{published_at},{post_id}"


def decode_cursor(cursor: str) -> tuple[str, int]:
    """Raises ValueError for anything that is not a cursor we made."""
    moment, _, post_id = cursor.partition(",")
    clock.parse(moment)
    if not moment.endswith("Z") or len(moment) != 27:
        raise ValueError(cursor)
    number = int(post_id)
    if not 0 <= number <= SQLITE_INTEGER_MAX:  # SQLite cannot even bind a larger int
        raise ValueError(cursor)
    return moment, number


LISTED_COLUMNS = (
    "posts.id, posts.slug, posts.title, posts.excerpt, posts.thumbnail, posts.published_at,"
    " posts.updated_at, posts.status, authors.username AS author, " + TAGS_COLUMN + ","
    " CASE WHEN authors.display_name != '' THEN authors.display_name ELSE authors.username END AS author_name,"
    " posts.publish_at"
)


def published(post: ListedPost) -> str | None:
    return post.published_at


def last_changed(post: ListedPost) -> str:
    return post.updated_at


def listed(row: Row) -> ListedPost:
    values = dict(row)
    values["tags"] = tags_of(values["tags"])
    return ListedPost(**values)


async def keyset_page(db: Database, source: str, where: list[str], params: list[object], keys: tuple[str, str],
                      moment: Callable[[ListedPost], str | None], before: str | None, after: str | None) -> Page:
    """One page of `source` ordered by `keys` (a time, then an id), newest first, from a cursor;
    `moment` is a listed post's value of the time key, for the cursors.

    `before` pages towards older posts, `after` towards newer ones; the cost of a
    page does not depend on how deep it is."""
    cursor = after or before
    newest_first = after is None
    if cursor is not None:
        where = [*where, f"({keys[0]}, {keys[1]}) {'<' if newest_first else '>'} (?, ?)"]
        params = [*params, *decode_cursor(cursor)]
    direction = "DESC" if newest_first else "ASC"
    rows = await db.fetchall(
        f"SELECT {LISTED_COLUMNS} {source} WHERE {' AND '.join(where)}"
        f" ORDER BY {keys[0]} {direction}, {keys[1]} {direction} LIMIT ?",
        (*params, PAGE_SIZE + 1),
    )
    posts = [listed(row) for row in rows[:PAGE_SIZE]]
    more = len(rows) > PAGE_SIZE
    if not newest_first:
        posts.reverse()
    if not posts:
        return Page([], None, None)
    has_older = more if newest_first else True
    has_newer = cursor is not None if newest_first else more
    return Page(
        posts,
        encode_cursor(moment(posts[-1]), posts[-1].id) if has_older else None,
        encode_cursor(moment(posts[0]), posts[0].id) if has_newer else None,
    )
