"""Images inside post bodies: the sizes made at each upload, and which posts name which files.

The image files themselves are on disk (content/images.py); here is what the database
knows of them: the srcset of an upload, and the references that keep a file alive."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database, Transaction, fragment

# The names ImageFiles gives the files it stores (content/images.py): a body that names
# one anywhere, in a link, an image or plain text, keeps that file.
IMAGE_NAME_IN_TEXT = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}\.(?:jpg|png|gif|webp)\b")
# An upload that no post names yet is kept this long: the writer may still be writing.
UNSAVED_UPLOAD_KEEP = 7 * 24 * 60 * 60
# SQLite binds at most 32,766 parameters; no body names anywhere near this many images.
MAX_LOOKUP = 500


def names_in(text: str) -> set[str]:
    return set(IMAGE_NAME_IN_TEXT.findall(text))


@dataclass(frozen=True)
class ImageSize:
    name: str
    width: int
    height: int


@dataclass(frozen=True)
class InlineImage:
    """One upload for a body: the file bodies link to (`upload`) and every size made, smallest first."""

    upload: str
    sizes: tuple[ImageSize, ...]

    @property
    def column(self) -> ImageSize:
        return next(size for size in self.sizes if size.name == self.upload)


async def record_refs(tx: Transaction, post_id: int, body: str) -> None:
    """Called for every saved revision: the files its text names stay while the post exists."""
    names = names_in(body)
    if names:
        await tx.executemany("INSERT INTO image_refs (name, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                             [(name, post_id) for name in sorted(names)])


class Images:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def referenced_names(self) -> set[str]:
        """Every image file something refers to (see referenced_names_sql): the one answer to
        "which files are in use", for the cleanup, which deletes the others after a grace period."""
        rows = await self.db.fetchall(referenced_names_sql(), (unsaved_upload_cutoff(),))
        return {row[0] for row in rows}

    async def record_upload(self, upload: str, sizes: Iterable[ImageSize]) -> None:
        """Remembers the sizes of an upload. Bookkeeping no page shows until a post names it."""
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.executemany(
                "INSERT INTO image_sizes (name, upload, width, height, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at",
                [(size.name, upload, size.width, size.height, now) for size in sizes])

    async def uploads_of(self, names: Iterable[str]) -> dict[str, InlineImage]:
        """For each of `names` that is a size of an upload: that upload with all its sizes."""
        wanted = sorted(set(names))[:MAX_LOOKUP]
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self.db.fetchall(
            "SELECT named.name AS named, sizes.upload, sizes.name, sizes.width, sizes.height"
            " FROM image_sizes AS named JOIN image_sizes AS sizes ON sizes.upload = named.upload"
            f" WHERE named.name IN ({marks}) ORDER BY sizes.width, sizes.name", wanted)
        groups: dict[str, list[ImageSize]] = {}
        uploads: dict[str, str] = {}
        for row in rows:
            groups.setdefault(row["named"], []).append(ImageSize(row["name"], row["width"], row["height"]))
            uploads[row["named"]] = row["upload"]
        return {named: InlineImage(uploads[named], tuple(sizes)) for named, sizes in groups.items()}

    async def all_sizes(self) -> list[tuple[str, str, int, int]]:
        """(name, upload, width, height) of every size of every upload, for the export."""
        rows = await self.db.fetchall("SELECT name, upload, width, height FROM image_sizes ORDER BY upload, width")
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def add_sizes(self, rows: Iterable[tuple[str, str, int, int]]) -> None:
        """Sizes known from elsewhere (an import); those already known stay as they are."""
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.executemany(
                "INSERT INTO image_sizes (name, upload, width, height, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(*row, now) for row in rows])


def referenced_names_sql() -> str:
    """Every image file something refers to, as one query: headers and their thumbnails,
    the files any revision of any post names, the other sizes of those uploads, uploads
    too recent to have been saved in a post yet, avatars and the site's icon. Cheap at any size: it reads
    indexes and the reference table, never a body. The one parameter is the moment
    before which an unsaved upload is forgotten."""
    return (
        "SELECT image FROM posts WHERE image IS NOT NULL"
        " UNION SELECT thumbnail FROM posts WHERE thumbnail IS NOT NULL"
        " UNION SELECT name FROM image_refs"
        " UNION SELECT sizes.name FROM image_refs JOIN image_sizes AS named ON named.name = image_refs.name"
        " JOIN image_sizes AS sizes ON sizes.upload = named.upload"
        " UNION SELECT name FROM image_sizes WHERE created_at > ?"
        " UNION SELECT avatar FROM users WHERE avatar IS NOT NULL"
        " UNION SELECT avatar_small FROM users WHERE avatar_small IS NOT NULL"
        f" UNION SELECT {_SETTING_TEXT} FROM site_settings"
        f" WHERE name IN ('icon', 'icon_large') AND {_SETTING_IS_TEXT}"
    )


# A setting's JSON value when it is a string (an icon's file name; null when there is none).
_SETTING_TEXT = fragment("json_extract(value, '$')", "(value::jsonb #>> '{}')")
_SETTING_IS_TEXT = fragment("json_type(value) = 'text'", "jsonb_typeof(value::jsonb) = 'string'")


def unsaved_upload_cutoff() -> str:
    return clock.ago(UNSAVED_UPLOAD_KEEP)


class SharedImageFiles:
    """The image files themselves, in the database, for a blog on several app servers: each
    server keeps a copy on its own disk as a cache, and this is where a server that has not
    seen a file finds it (PostgreSQL only: on SQLite the data folder is the one home)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, files: Iterable[tuple[str, bytes]], saved_at: float) -> None:
        """Stores new files and makes known ones young again, so the cleanup spares them
        while the post that will name them is being saved."""
        async with self.db.transaction(notify=False) as tx:
            await tx.executemany(
                "INSERT INTO image_files (name, content, saved_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET saved_at = excluded.saved_at",
                [(name, content, saved_at) for name, content in files])

    async def content(self, name: str) -> bytes | None:
        value = await self.db.fetchvalue("SELECT content FROM image_files WHERE name = ?", (name,))
        return bytes(value) if value is not None else None

    async def present(self, names: Iterable[str]) -> set[str]:
        wanted = sorted(set(names))[:MAX_LOOKUP]
        if not wanted:
            return set()
        marks = ", ".join("?" * len(wanted))
        rows = await self.db.fetchall(f"SELECT name FROM image_files WHERE name IN ({marks})", wanted)
        return {row["name"] for row in rows}

    async def names(self) -> set[str]:
        return {row["name"] for row in await self.db.fetchall("SELECT name FROM image_files")}

    async def remove_orphans(self, saved_before: float) -> list[str]:
        """Deletes the files nothing refers to and nobody saved since `saved_before`, in one
        statement, so no save of the same file can slip between the check and the delete."""
        async with self.db.transaction(notify=False) as tx:
            rows = await tx.fetchall(
                f"DELETE FROM image_files WHERE saved_at < ? AND name NOT IN ({referenced_names_sql()})"
                " RETURNING name", (saved_before, unsaved_upload_cutoff()))
        return sorted(row["name"] for row in rows)
