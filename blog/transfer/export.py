"""`export`: the whole blog as files a person can read or take to another engine.

    blog-export.yaml        what this is, when it was made, how many of each
    authors.yaml            every account: username, email, role, bio (never a password hash)
    posts/<slug>.md         each post or page: YAML front matter, then its Markdown
    comments/<slug>.yaml    each post's comments, oldest first
    images/<name>           every image file, as served
    images.yaml             the sizes made of each picture in a text (for srcset)
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from blog import clock
from blog.content.image_store import ImageStore
from blog.store import Store
from blog.store.posts import Post
from blog.store.transfer import ExportedComment

FORMAT = "blog-export"
VERSION = 1
MANIFEST = "blog-export.yaml"


@dataclass(frozen=True)
class ExportSummary:
    posts: int
    comments: int
    authors: int
    images: int


def front_matter(meta: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body


def post_file(post: Post) -> str:
    meta: dict[str, Any] = {
        "title": post.title, "slug": post.slug, "kind": post.kind, "author": post.author, "status": post.status,
        "tags": list(post.tags), "summary": post.summary, "created_at": post.created_at,
        "updated_at": post.updated_at, "published_at": post.published_at,
    }
    optional = {"publish_at": post.publish_at, "deleted_at": post.deleted_at, "image": post.image,
                "thumbnail": post.thumbnail, "image_alt": post.image_alt}
    meta.update({name: value for name, value in optional.items() if value})
    return front_matter(meta, post.body if post.body.endswith("\n") else post.body + "\n")


def _comments_file(comments: list[ExportedComment]) -> str:
    return yaml.safe_dump([{"author": c.author, "created_at": c.created_at, "body": c.body} for c in comments],
                          sort_keys=False, allow_unicode=True)


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


async def export_blog(store: Store, files: ImageStore, out: Path, *, site: str,
                      on_post: Callable[[], object] = lambda: None) -> ExportSummary:
    """Writes the zip to a temporary file beside `out`, then moves it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=".export-", suffix=".zip")
    os.close(fd)
    try:
        summary = await _write(store, files, Path(temporary), site, on_post)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


async def _write(store: Store, files: ImageStore, path: Path, site: str,
                 on_post: Callable[[], object]) -> ExportSummary:
    posts = comments = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        authors = await store.transfer.authors()
        bundle.writestr("authors.yaml", _yaml([{
            "username": a.username, "email": a.email, "role": a.role, "bio": a.bio, "image": a.image,
            "created_at": a.created_at} for a in authors]))
        async for batch in store.transfer.posts():
            for post, post_comments in batch:
                bundle.writestr(f"posts/{post.slug}.md", post_file(post))
                if post_comments:
                    bundle.writestr(f"comments/{post.slug}.yaml", _comments_file(post_comments))
                posts, comments = posts + 1, comments + len(post_comments)
                on_post()
        sizes = await store.images.all_sizes()
        bundle.writestr("images.yaml", _yaml([{"name": name, "upload": upload, "width": width, "height": height}
                                              for name, upload, width, height in sizes]))
        images = []
        for name in sorted(await files.names()):
            file = await files.local_path(name)
            if file is not None:  # else removed by the cleanup meanwhile: no longer in use
                # Images are compressed already: stored as they are, read back as they are.
                bundle.write(file, f"images/{name}", compress_type=zipfile.ZIP_STORED)
                images.append(name)
        bundle.writestr(MANIFEST, _yaml({
            "format": FORMAT, "version": VERSION, "site": site, "exported_at": clock.now_iso(),
            "posts": posts, "comments": comments, "authors": len(authors), "images": len(images)}))
    return ExportSummary(posts, comments, len(authors), len(images))
