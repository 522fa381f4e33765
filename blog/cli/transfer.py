"""`export`, `import`, `backup` and `restore`: a blog's content and data in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from blog.cli.common import add_data_dir, fail, with_store
from blog.config import Config
from blog.store import Store


def add_commands(commands: Any) -> None:
    export = commands.add_parser("export", help="write every post, comment, author and image to a zip of plain files")
    export.add_argument("--out", required=True, type=Path, help="the zip file to write (FILE.zip)")
    add_data_dir(export)
    export.set_defaults(run=export_command)

    bring = commands.add_parser("import", help="import an export of this blog or a WordPress export (WXR)")
    bring.add_argument("file", type=Path, help="a .zip made by `export`, or the .xml of WordPress's Tools → Export")
    add_data_dir(bring)
    bring.set_defaults(run=import_command)

    save = commands.add_parser("backup", help="copy the database, images and secret key to one file, while serving")
    save.add_argument("--out", required=True, type=Path, help="the backup file to write")
    add_data_dir(save)
    save.set_defaults(run=backup_command)

    back = commands.add_parser("restore", help="make a new data folder from a backup")
    back.add_argument("file", type=Path, help="a file made by `backup`")
    add_data_dir(back)
    back.set_defaults(run=restore_command)


def export_command(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from blog.content.image_store import image_store
    from blog.transfer.export import export_blog

    async def work(store: Store) -> int:
        total = await store.transfer.post_count()
        with tqdm(total=total, unit="post", desc="export", file=sys.stderr) as progress:
            summary = await export_blog(store, image_store(config, store), args.out,
                                        site=config.base_url or str(config.data_dir.resolve()),
                                        on_post=lambda: progress.update())
        print(f"exported {summary.posts} posts, {summary.comments} comments, {summary.authors} authors "
              f"and {summary.images} image files to {args.out}")
        return 0

    return with_store(config, work)


def import_command(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from blog.content.image_store import image_store
    from blog.transfer import TransferError
    from blog.transfer.importing import apply_plan, read_plan

    try:
        with tqdm(unit="item", desc="read", file=sys.stderr) as progress:
            plan = read_plan(args.file, on_item=lambda: progress.update())
    except TransferError as exc:
        return fail(str(exc), 1)

    async def work(store: Store) -> int:
        with tqdm(total=len(plan.posts), unit="post", desc="import", file=sys.stderr) as progress:
            counts = await apply_plan(store, image_store(config, store), plan,
                                      on_post=lambda: progress.update())
        print(f"imported {plan.source}:")
        print(f"  {counts.posts} new posts ({counts.posts_already_there} already here), "
              f"{counts.comments} new comments ({counts.comments_already_there} already here), "
              f"{counts.accounts} new accounts, {len(plan.images)} image files")
        if counts.accounts:
            print("  new accounts have no password: their owners set one with the password reset link")
        for old, new in counts.renamed_slugs:
            print(f"  the address {old!r} was taken here, so that post is at {new!r}")
        if plan.foreign_images:
            print(f"  {plan.foreign_images} pictures from other sites are shown as links to them")
        for reason, number in sorted(plan.skipped.items()):
            print(f"  skipped {number} {reason}")
        return 0

    return with_store(config, work)


ON_POSTGRESQL = ("backup and restore copy the SQLite file; on PostgreSQL use pg_dump and pg_restore"
                 " (the image files are in the database too), or export for a portable copy")


def backup_command(args: argparse.Namespace, config: Config) -> int:
    if config.database_url:
        return fail(ON_POSTGRESQL)
    from blog.transfer import TransferError
    from blog.transfer.backup import backup

    try:
        summary = backup(config.data_dir, args.out)
    except TransferError as exc:
        return fail(str(exc), 1)
    counts = ", ".join(f"{number} {table}" for table, number in summary.counts.items())
    print(f"backed up {config.data_dir} to {args.out}: {counts}; {summary.images} image files")
    for name in summary.missing_images:
        print(f"warning: {name} is referred to but was not in {config.data_dir / 'images'}", file=sys.stderr)
    return 0


def restore_command(args: argparse.Namespace, config: Config) -> int:
    if config.database_url:
        return fail(ON_POSTGRESQL)
    from blog.transfer import TransferError
    from blog.transfer.backup import restore

    try:
        summary = restore(args.file, config.data_dir)
    except TransferError as exc:
        return fail(str(exc), 1)

    async def upgraded(store: Store) -> int:  # a backup from an older version upgrades like any database
        return 0

    with_store(config, upgraded)
    counts = ", ".join(f"{number} {table}" for table, number in summary.counts.items())
    print(f"restored {args.file} into {config.data_dir}: {counts}; {summary.images} image files")
    print(f"serve it with: python -m blog serve --data-dir {config.data_dir}")
    return 0
