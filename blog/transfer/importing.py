"""`import`: our own export or a WordPress export, read and checked whole, then written at once."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from blog.content.image_store import ImageStore
from blog.store import Store
from blog.store.transfer import ImportCounts
from blog.transfer import TransferError
from blog.transfer.own_export import read_own_export
from blog.transfer.plan import ImportPlan
from blog.transfer.wordpress import read_wordpress_export


def read_plan(path: Path, on_item: Callable[[], object] = lambda: None) -> ImportPlan:
    """Everything the file holds, checked: a TransferError says why a file cannot be used."""
    if not path.is_file():
        raise TransferError(f"There is no file at {path}.")
    if zipfile.is_zipfile(path):
        return read_own_export(str(path), on_item)
    with path.open("rb") as file:
        start = file.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"<?xml", b"<rss", b"<!")):
        return read_wordpress_export(str(path), on_item)
    raise TransferError(f"{path.name} is neither an export of this blog (a .zip) nor a WordPress export "
                        "(an .xml file from Tools → Export). Nothing was imported.")


async def apply_plan(store: Store, files: ImageStore, plan: ImportPlan,
                     on_post: Callable[[], object] = lambda: None) -> ImportCounts:
    """Image files first (named by their content, so a second import rewrites nothing), then
    every post, author and comment in one transaction."""
    for name, read in plan.images.items():
        await files.save([(read(), name.rsplit(".", 1)[1])])
    await store.images.add_sizes(plan.image_sizes)
    return await store.transfer.import_posts(plan.posts, on_post)
