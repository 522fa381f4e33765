"""Posts: reading one, and saving with revisions, tags, schedules and the trash (the lists
are post_lists.py's, the slugs slugs.py's)."""

from __future__ import annotations

from dataclasses import dataclass, field

from blog import clock
from blog.store.db import SQLITE_INTEGER_MAX, Database, Row, Transaction
from blog.store.images import record_refs
from blog.store.post_lists import (
    LISTED,
    LISTED_COLUMNS,
    TAGS_COLUMN,
    ListedPost,
    Page,
    keyset_page,
    last_changed,
    listed,
    published,
    tags_of,
)
from blog.store.remembered import Remembered
from blog.store.slugs import retrying_slug, unique_slug


@dataclass(frozen=True)
class PostFields:
    """What a writer controls: the form's (or the API's) fields, already validated."""

    title: str
    body: str
    body_html: str
    summary: str
    excerpt: str
    tags: tuple[str, ...]
    status: str
    image_alt: str = ""
    publish_at: str | None = None  # UTC, for a scheduled post


@dataclass(frozen=True)
class Post:
    id: int
    kind: str
    slug: str
    title: str
    summary: str
    excerpt: str
    body: str
    body_html: str
    status: str
    publish_at: str | None
    image: str | None
    thumbnail: str | None
    image_alt: str
    created_at: str
    updated_at: str
    published_at: str | None
    edited_at: str | None
    version: int
    deleted_at: str | None
    author_id: int
    author: str
    editor: str | None
    comments_open: bool = True
    author_name: str = ""  # the author's display name (or username; "deleted user" once deleted)
    author_avatar: str | None = None  # the author's small avatar, if any
    tags: tuple[str, ...] = field(default=())

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.deleted_at is None

    @property
    def tag_text(self) -> str:
        return ", ".join(self.tags)


class VersionConflict(Exception):
    """The post changed after the form was loaded; carries the current post."""

    def __init__(self, current: Post) -> None:
        super().__init__(current.id)
        self.current = current


POST_COLUMNS = (
    "posts.id, posts.kind, posts.slug, posts.title, posts.summary, posts.excerpt, posts.body, posts.body_html,"
    " posts.status, posts.publish_at, posts.image, posts.thumbnail, posts.image_alt, posts.created_at,"
    " posts.updated_at,"
    " posts.published_at, posts.edited_at, posts.version, posts.deleted_at, posts.author_id,"
    " authors.username AS author, editors.username AS editor, posts.comments_open,"
    " CASE WHEN authors.deleted_at IS NOT NULL THEN 'deleted user' WHEN authors.display_name != ''"
    " THEN authors.display_name ELSE authors.username END AS author_name,"
    " authors.avatar_small AS author_avatar, " + TAGS_COLUMN
)
POST_FROM = (
    "FROM posts JOIN users AS authors ON authors.id = posts.author_id"
    " LEFT JOIN users AS editors ON editors.id = posts.editor_id"
)
def post_from_row(row: Row) -> Post:
    values = dict(row)
    values["tags"] = tags_of(values["tags"])
    values["comments_open"] = bool(values["comments_open"])
    return Post(**values)


class Posts:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Every reader of the same page of a list, logged in or not, shares one query.
        self._pages: Remembered[Page] = Remembered(db, max_entries=500)
        # Whole posts (a body may be 100K characters, its HTML more): few, unlike the lists' pages.
        self._shown: Remembered[Post] = Remembered(db, max_entries=50)

    # Reading ----------------------------------------------------------------

    async def shown(self, post_id: int) -> Post | None:
        """by_id, remembered until the next change: for pages read (GET), whose request noticed
        other processes' changes before it began. Shared: never change it."""
        return await self._shown.get(post_id, lambda: self.by_id(post_id))

    async def by_id(self, post_id: int) -> Post | None:
        if not 0 < post_id <= SQLITE_INTEGER_MAX:  # from a URL; too large to bind, and no post has it
            return None
        row = await self.db.fetchone(f"SELECT {POST_COLUMNS} {POST_FROM} WHERE posts.id = ?", (post_id,))
        return None if row is None else post_from_row(row)

    async def by_slug(self, slug: str) -> Post | None:
        row = await self.db.fetchone(f"SELECT {POST_COLUMNS} {POST_FROM} WHERE posts.slug = ?", (slug,))
        return None if row is None else post_from_row(row)

    async def page(self, *, before: str | None = None, after: str | None = None, author_id: int | None = None,
                   tag: str | None = None, followed_by: int | None = None,
                   period: tuple[str, str] | None = None) -> Page:
        """A page of public posts, newest first (see _read_page), remembered until the next change."""
        page = await self._pages.get((before, after, author_id, tag, followed_by, period),
                                     lambda: self._read_page(before, after, author_id, tag, followed_by, period))
        assert page is not None
        return page

    async def _read_page(self, before: str | None, after: str | None, author_id: int | None,
                         tag: str | None, followed_by: int | None, period: tuple[str, str] | None = None) -> Page:
        """A page of public posts, newest first, walking an index from a cursor. `period`
        (from, until) keeps the posts published from the first moment up to, not including,
        the second (the archive)."""
        params: list[object]
        if tag is not None:
            source = "FROM post_tags JOIN posts ON posts.id = post_tags.post_id" \
                     " JOIN users AS authors ON authors.id = posts.author_id"
            keys, where, params = ("post_tags.listed_at", "post_tags.post_id"), \
                ["post_tags.tag = ?", "post_tags.listed_at IS NOT NULL"], [tag]
        else:
            source = "FROM posts JOIN users AS authors ON authors.id = posts.author_id"
            keys, where, params = ("posts.published_at", "posts.id"), [LISTED], []
            if author_id is not None:
                where.append("posts.author_id = ?")
                params.append(author_id)
            if followed_by is not None:
                source += " JOIN follows ON follows.followed_id = posts.author_id"
                where.append("follows.follower_id = ?")
                params.append(followed_by)
        if period is not None:
            where.append(f"{keys[0]} >= ? AND {keys[0]} < ?")
            params.extend(period)
        return await keyset_page(self.db, source, where, params, keys, published, before, after)

    async def scheduled_of(self, author_id: int) -> list[ListedPost]:
        """The author's scheduled posts, soonest first (they are few, and each is gone once it
        is published); shown above their drafts."""
        rows = await self.db.fetchall(
            f"SELECT {LISTED_COLUMNS} FROM posts JOIN users AS authors ON authors.id = posts.author_id"
            " WHERE posts.author_id = ? AND posts.status = 'scheduled' AND posts.deleted_at IS NULL"
            " ORDER BY posts.publish_at, posts.id LIMIT 100",
            (author_id,),
        )
        return [listed(row) for row in rows]

    async def drafts_page(self, author_id: int, *, before: str | None = None, after: str | None = None) -> Page:
        """A page of the author's drafts, last changed first, paged like every list (see post_lists.keyset_page)."""
        source = "FROM posts JOIN users AS authors ON authors.id = posts.author_id"
        where = ["posts.author_id = ?", "posts.status = 'draft'", "posts.deleted_at IS NULL"]
        return await keyset_page(self.db, source, where, [author_id], ("posts.updated_at", "posts.id"), last_changed,
                                 before, after)

    async def trashed(self, author_id: int | None) -> list[Post]:
        """Trashed posts, newest trash first; only one author's when author_id is given."""
        where, params = "posts.deleted_at IS NOT NULL", []
        if author_id is not None:
            where += " AND posts.author_id = ?"
            params.append(author_id)
        rows = await self.db.fetchall(
            f"SELECT {POST_COLUMNS} {POST_FROM} WHERE {where} ORDER BY posts.deleted_at DESC LIMIT 200", params
        )
        return [post_from_row(row) for row in rows]

    async def pages(self) -> list[Post]:
        """Every page that is not in the trash (About, Contact...), by title: the editors' list."""
        rows = await self.db.fetchall(
            f"SELECT {POST_COLUMNS} {POST_FROM} WHERE posts.kind = 'page' AND posts.deleted_at IS NULL"
            " ORDER BY posts.title COLLATE NOCASE LIMIT 500")
        return [post_from_row(row) for row in rows]

    async def bodies_after(self, after_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, Markdown body) of posts and pages in id order, for rendering them all again."""
        rows = await self.db.fetchall("SELECT id, body FROM posts WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))
        return [(row[0], row[1]) for row in rows]

    async def set_bodies_html(self, rendered: list[tuple[int, str]]) -> None:
        """Stores bodies rendered again by a newer renderer: no new version, the text is the same."""
        async with self.db.transaction() as tx:
            await tx.executemany("UPDATE posts SET body_html = ? WHERE id = ?",
                                 [(body_html, post_id) for post_id, body_html in rendered])

    # Scheduled posts ------------------------------------------------------------

    async def next_publish_at(self) -> str | None:
        """When the soonest scheduled post goes out (it may already be due), or None."""
        value: str | None = await self.db.fetchvalue(
            "SELECT min(publish_at) FROM posts WHERE status = 'scheduled' AND deleted_at IS NULL")
        return value

    async def publish_due(self) -> list[int]:
        """Publishes every scheduled post whose time has come, as a normal publish does
        (published_at, the tag lists); returns their ids.

        Safe to run from every process at once: the UPDATE only takes posts that are still
        scheduled, inside the one write transaction, so each post is published once."""
        now = clock.now_iso()
        if not await self.db.fetchvalue(
                "SELECT EXISTS (SELECT 1 FROM posts WHERE status = 'scheduled' AND deleted_at IS NULL"
                " AND publish_at <= ?)", (now,)):
            return []  # the usual case, answered by a read: no write, so no cache is emptied
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE posts SET status = 'published', published_at = coalesce(published_at, publish_at)"
                " WHERE status = 'scheduled' AND deleted_at IS NULL AND publish_at <= ? RETURNING id", (now,))
            for row in rows:
                await sync_listing(tx, row[0])
        return sorted(row[0] for row in rows)

    # Writing ----------------------------------------------------------------

    async def create(self, author_id: int, fields: PostFields, image: tuple[str, str] | None, *,
                     kind: str = "post", comments_open: bool = True) -> Post:
        post_id = await retrying_slug(lambda crowded: self._insert(author_id, fields, image, kind, comments_open, crowded))
        post = await self.by_id(post_id)
        assert post is not None
        return post

    async def _insert(self, author_id: int, fields: PostFields, image: tuple[str, str] | None, kind: str,
                      comments_open: bool, crowded: bool) -> int:
        now = clock.now_iso()
        async with self.db.transaction() as tx:
            slug = await unique_slug(tx, fields.title, None, crowded=crowded)
            post_id = await tx.insert(
                "INSERT INTO posts (author_id, kind, slug, title, summary, excerpt, body, body_html, status,"
                " publish_at, image, thumbnail, image_alt, created_at, updated_at, published_at, comments_open)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (author_id, kind, slug, fields.title, fields.summary, fields.excerpt, fields.body, fields.body_html,
                 fields.status, _publish_at(fields), *(image or (None, None)), fields.image_alt, now, now,
                 now if fields.status == "published" else None, comments_open),
            )
            await _write_tags(tx, post_id, fields.tags)
            await _record_revision(tx, post_id, 1, fields, author_id, now)
        return post_id

    async def update(self, post_id: int, expected_version: int, editor_id: int, fields: PostFields,
                     image: tuple[str, str] | None | bool = True, comments_open: bool | None = None) -> Post:
        """Saves an edit unless the post moved on since `expected_version` (VersionConflict).

        `image` is True to keep the current image, None to remove it, or new
        (display, thumbnail) names; `comments_open` None keeps the post's setting."""
        await retrying_slug(lambda crowded: self._update(post_id, expected_version, editor_id, fields, image,
                                                           comments_open, crowded))
        post = await self.by_id(post_id)
        assert post is not None
        return post

    async def _update(self, post_id: int, expected_version: int, editor_id: int, fields: PostFields,
                      image: tuple[str, str] | None | bool, comments_open: bool | None, crowded: bool) -> None:
        now = clock.now_iso()
        keep_image = image is True
        display, thumbnail = image if isinstance(image, tuple) else (None, None)
        async with self.db.transaction() as tx:
            slug = await unique_slug(tx, fields.title, post_id, crowded=crowded)
            if not 0 < expected_version < SQLITE_INTEGER_MAX:  # no post has it, and the engines could not bind it
                expected_version = -1
            version = expected_version + 1
            # The version is checked by the UPDATE itself: of two edits of one version that
            # arrive together, on any engine, exactly one matches a row.
            saved = await tx.execute(
                "UPDATE posts SET slug = ?, title = ?, summary = ?, excerpt = ?, body = ?, body_html = ?,"
                " status = ?, publish_at = ?, image = CASE WHEN ? THEN image ELSE ? END,"
                " thumbnail = CASE WHEN ? THEN thumbnail ELSE ? END, image_alt = ?, updated_at = ?,"
                " published_at = coalesce(published_at, ?), editor_id = ?, edited_at = ?, version = ?,"
                " comments_open = coalesce(?, comments_open)"
                " WHERE id = ? AND version = ? AND deleted_at IS NULL",
                (slug, fields.title, fields.summary, fields.excerpt, fields.body, fields.body_html,
                 fields.status, _publish_at(fields), keep_image, display, keep_image, thumbnail, fields.image_alt,
                 now, now if fields.status == "published" else None, editor_id, now, version, comments_open,
                 post_id, expected_version),
            )
            if not saved:
                if await tx.fetchone("SELECT 1 FROM posts WHERE id = ? AND deleted_at IS NULL", (post_id,)) is None:
                    raise LookupError(post_id)
                raise VersionConflict(await self._current_for_conflict(tx, post_id))
            await _write_tags(tx, post_id, fields.tags)
            await _record_revision(tx, post_id, version, fields, editor_id, now)

    async def _current_for_conflict(self, tx: Transaction, post_id: int) -> Post:
        row = await tx.fetchone(f"SELECT {POST_COLUMNS} {POST_FROM} WHERE posts.id = ?", (post_id,))
        assert row is not None
        return post_from_row(row)

    async def move_to_trash(self, post_id: int) -> bool:
        return await self._set_trashed(post_id, clock.now_iso())

    async def restore_from_trash(self, post_id: int) -> bool:
        return await self._set_trashed(post_id, None)

    async def _set_trashed(self, post_id: int, deleted_at: str | None) -> bool:
        # The version is left alone: the text does not change, and a version always has its revision.
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE posts SET deleted_at = ? WHERE id = ?"
                " AND (deleted_at IS NULL) = ?", (deleted_at, post_id, deleted_at is not None))
            await sync_listing(tx, post_id)
        return changed > 0

    async def purge(self, post_id: int) -> list[str]:
        """Deletes a trashed post for good; returns its image names."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT image, thumbnail FROM posts WHERE id = ? AND deleted_at IS NOT NULL", (post_id,))
            if row is None:
                return []
            await tx.execute("DELETE FROM posts WHERE id = ?", (post_id,))
        return [name for name in row if name]


def _publish_at(fields: PostFields) -> str | None:
    """A scheduled post keeps its time; any other status has none."""
    return fields.publish_at if fields.status == "scheduled" else None


async def _write_tags(tx: Transaction, post_id: int, tags: tuple[str, ...]) -> None:
    await tx.execute("DELETE FROM post_tags WHERE post_id = ?", (post_id,))
    await tx.executemany(
        "INSERT INTO post_tags (post_id, tag, position) VALUES (?, ?, ?)",
        [(post_id, tag, position) for position, tag in enumerate(tags)],
    )
    await sync_listing(tx, post_id)


async def sync_listing(tx: Transaction, post_id: int) -> None:
    """post_tags.listed_at follows the post: its publication time while public, else NULL."""
    await tx.execute(
        f"UPDATE post_tags SET listed_at = (SELECT CASE WHEN {LISTED} THEN posts.published_at END"
        " FROM posts WHERE posts.id = post_tags.post_id) WHERE post_id = ?",
        (post_id,),
    )


async def _record_revision(tx: Transaction, post_id: int, version: int, fields: PostFields,
                           editor_id: int, now: str) -> None:
    await tx.insert(
        "INSERT INTO revisions (post_id, version, title, summary, body, tags, editor_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (post_id, version, fields.title, fields.summary, fields.body, ", ".join(fields.tags), editor_id, now),
    )
    await record_refs(tx, post_id, fields.body)
