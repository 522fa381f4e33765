"""Export and import: the whole blog read in batches, and a whole import written in one
transaction (all of it or nothing), skipping what an earlier import already brought in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from slugify import slugify

from blog import clock
from blog.store.db import Database, Transaction
from blog.store.images import record_refs
from blog.store.posts import POST_COLUMNS, POST_FROM, Post, post_from_row, sync_listing
from blog.store.slugs import SLUG_MAX_LENGTH, unique_slug

EXPORT_BATCH = 500
# An imported account cannot log in until its owner sets a password (the reset link):
# no argon2 hash starts like this, so no password ever matches it.
UNUSABLE_PASSWORD = "!imported"


@dataclass(frozen=True)
class ExportedAuthor:
    username: str
    email: str
    role: str
    bio: str
    image: str | None
    created_at: str


@dataclass(frozen=True)
class ExportedComment:
    author: str
    body: str
    created_at: str


@dataclass(frozen=True)
class NewAuthor:
    """An account an import needs: found by email, then by username, else created without a password."""

    username: str
    email: str
    bio: str = ""


@dataclass(frozen=True)
class NewComment:
    author: NewAuthor
    body: str
    body_html: str
    created_at: str


@dataclass(frozen=True)
class NewPost:
    """A post ready to save: its HTML rendered and sanitized by the caller."""

    key: str  # where it came from; the same key is never imported twice
    author: NewAuthor
    kind: str
    slug: str
    title: str
    summary: str
    excerpt: str
    body: str
    body_html: str
    status: str
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    published_at: str | None
    publish_at: str | None = None
    deleted_at: str | None = None
    image: str | None = None
    thumbnail: str | None = None
    image_alt: str = ""
    comments: tuple[NewComment, ...] = ()


@dataclass
class ImportCounts:
    posts: int = 0
    posts_already_there: int = 0
    comments: int = 0
    comments_already_there: int = 0
    accounts: int = 0
    renamed_slugs: list[tuple[str, str]] = field(default_factory=list)


class Transfer:
    def __init__(self, db: Database) -> None:
        self.db = db

    # Export ------------------------------------------------------------------

    async def post_count(self) -> int:
        return int(await self.db.fetchvalue("SELECT count(*) FROM posts"))

    async def posts(self) -> AsyncIterator[list[tuple[Post, list[ExportedComment]]]]:
        """Every post (pages, drafts and the trash included) with its comments, in batches by id."""
        last = 0
        while True:
            rows = await self.db.fetchall(
                f"SELECT {POST_COLUMNS} {POST_FROM} WHERE posts.id > ? ORDER BY posts.id LIMIT ?",
                (last, EXPORT_BATCH))
            if not rows:
                return
            posts = [post_from_row(row) for row in rows]
            last = posts[-1].id
            comments = await self.db.fetchall(
                "SELECT comments.post_id, users.username, comments.body, comments.created_at FROM comments"
                " JOIN users ON users.id = comments.author_id WHERE comments.post_id BETWEEN ? AND ?"
                " ORDER BY comments.id", (posts[0].id, last))
            by_post: dict[int, list[ExportedComment]] = {}
            for row in comments:
                by_post.setdefault(row[0], []).append(ExportedComment(row[1], row[2], row[3]))
            yield [(post, by_post.get(post.id, [])) for post in posts]

    async def authors(self) -> list[ExportedAuthor]:
        """Every account, without its password hash."""
        rows = await self.db.fetchall(
            "SELECT username, email, role, bio, image, created_at FROM users ORDER BY id")
        return [ExportedAuthor(*row) for row in rows]

    # Import ------------------------------------------------------------------

    async def import_posts(self, posts: list[NewPost], on_post: Callable[[], object] = lambda: None) -> ImportCounts:
        """Writes the posts, their authors and comments in one transaction: a failure leaves nothing."""
        counts = ImportCounts()
        async with self.db.transaction() as tx:
            accounts: dict[str, int] = {}
            for post in posts:
                await _import_post(tx, post, accounts, counts)
                on_post()
        return counts


async def _account(tx: Transaction, author: NewAuthor, accounts: dict[str, int], counts: ImportCounts) -> int:
    known = accounts.get(author.username.lower())
    if known is not None:
        return known
    # The email first: two people may share a name; then the name, so that a site's "admin"
    # finds the admin already here.
    user_id = await tx.fetchvalue("SELECT id FROM users WHERE email = ? COLLATE NOCASE", (author.email,))
    if user_id is None:
        user_id = await tx.fetchvalue("SELECT id FROM users WHERE username = ? COLLATE NOCASE", (author.username,))
    if user_id is None:
        user_id = await tx.insert(
            "INSERT INTO users (username, email, password_hash, role, created_at, bio) VALUES (?, ?, ?, 'author', ?, ?)",
            (author.username, author.email, UNUSABLE_PASSWORD, clock.now_iso(), author.bio))
        counts.accounts += 1
    accounts[author.username.lower()] = user_id
    return int(user_id)


async def _existing_post(tx: Transaction, post: NewPost) -> int | None:
    """The post an earlier import made of this one, or the very post a file of our own export
    describes (same slug, same creation time: exported from this blog and brought back)."""
    found = await tx.fetchvalue("SELECT post_id FROM imports WHERE source_key = ?", (post.key,))
    if found is None:
        found = await tx.fetchvalue("SELECT id FROM posts WHERE slug = ? AND created_at = ?",
                                    (post.slug, post.created_at))
        if found is not None:
            await tx.execute("INSERT INTO imports (source_key, post_id) VALUES (?, ?)", (post.key, found))
    return None if found is None else int(found)


async def _import_post(tx: Transaction, post: NewPost, accounts: dict[str, int], counts: ImportCounts) -> None:
    post_id = await _existing_post(tx, post)
    if post_id is not None:
        counts.posts_already_there += 1
    else:
        post_id = await _insert_post(tx, post, await _account(tx, post.author, accounts, counts), counts)
        counts.posts += 1
    for comment in post.comments:
        author_id = await _account(tx, comment.author, accounts, counts)
        if await tx.fetchvalue(
                "SELECT 1 FROM comments WHERE post_id = ? AND author_id = ? AND created_at = ? AND body = ?",
                (post_id, author_id, comment.created_at, comment.body)):
            counts.comments_already_there += 1
            continue
        await tx.insert(
            "INSERT INTO comments (post_id, author_id, body, body_html, created_at) VALUES (?, ?, ?, ?, ?)",
            (post_id, author_id, comment.body, comment.body_html, comment.created_at))
        counts.comments += 1


async def _insert_post(tx: Transaction, post: NewPost, author_id: int, counts: ImportCounts) -> int:
    wanted = slugify(post.slug or post.title, max_length=SLUG_MAX_LENGTH, word_boundary=True) or "post"
    slug = await unique_slug(tx, post.title, None, base=wanted)
    if slug != post.slug:
        counts.renamed_slugs.append((post.slug, slug))
    post_id = await tx.insert(
        "INSERT INTO posts (author_id, kind, slug, title, summary, excerpt, body, body_html, status, publish_at,"
        " image, thumbnail, image_alt, created_at, updated_at, published_at, deleted_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (author_id, post.kind, slug, post.title, post.summary, post.excerpt, post.body, post.body_html, post.status,
         post.publish_at, post.image, post.thumbnail, post.image_alt, post.created_at, post.updated_at,
         post.published_at, post.deleted_at))
    await tx.executemany("INSERT INTO post_tags (post_id, tag, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                         [(post_id, tag, position) for position, tag in enumerate(post.tags)])
    await sync_listing(tx, post_id)
    await tx.insert(
        "INSERT INTO revisions (post_id, version, title, summary, body, tags, editor_id, created_at)"
        " VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
        (post_id, post.title, post.summary, post.body, ", ".join(post.tags), author_id, post.updated_at))
    await record_refs(tx, post_id, post.body)
    await tx.execute("INSERT INTO imports (source_key, post_id) VALUES (?, ?)", (post.key, post_id))
    return post_id
