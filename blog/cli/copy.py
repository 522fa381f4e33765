"""`copy-to`: moves an SQLite blog into an empty PostgreSQL database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from blog.cli.common import add_data_dir, fail
from blog.config import Config
from blog.store import Store


def add_commands(commands: Any) -> None:
    copy = commands.add_parser(
        "copy-to", help="copy this SQLite blog (data, images, session key) into an empty PostgreSQL database")
    copy.add_argument("target", metavar="POSTGRESQL_URL", help="postgresql://user:password@host:5432/name")
    add_data_dir(copy)
    copy.set_defaults(run=copy_to)


def copy_to(args: argparse.Namespace, config: Config) -> int:
    if config.database_url:
        return fail("copy-to reads the SQLite blog of --data-dir; unset BLOG_DATABASE_URL (and --database-url)")
    if not args.target.startswith(("postgresql://", "postgres://")):
        return fail("the target must be a postgresql:// address")
    if not config.database_path.exists():
        return fail(f"there is no blog at {config.database_path}")
    return asyncio.run(_copy(config, args.target))


async def _copy(config: Config, target_url: str) -> int:
    from tqdm import tqdm

    from blog.accounts.secret_key import SECRET_FILE
    from blog.store.copying import NotEmpty, copy_all, count, plan

    source, target = Store(config.database_path), Store(target_url)
    await source.open()
    try:
        try:
            await target.open()
        except OSError as exc:
            return fail(f"cannot reach PostgreSQL at the target: {exc}", 1)
        try:
            tables = await plan(source.db, target.db)
            totals = {table.name: await count(source.db, table.name) for table in tables}
            with tqdm(total=sum(totals.values()), unit="row", desc="copy-to", file=sys.stderr) as progress:
                try:
                    await copy_all(source.db, target.db, tables, on_rows=progress.update)
                except NotEmpty as exc:
                    return fail(f"the target database already holds data (table {exc}); copy-to only fills an"
                                " empty one, and changed nothing", 1)
            copied = {name: await count(target.db, name) for name in totals}
            wrong = [name for name in totals if copied[name] != totals[name]]
            if wrong:
                return fail(f"row counts differ after the copy in: {', '.join(wrong)}", 1)
            images = await _copy_images(config, target)
            key_file = config.data_dir / SECRET_FILE
            if not config.secret_key and key_file.exists():  # sessions of the old blog stay valid
                await target.secrets.keep("session_key", key_file.read_text().strip())
        finally:
            await target.close()
    finally:
        await source.close()
    print(f"copied {sum(totals.values())} rows in {len(totals)} tables; every count matches; {images} image files")
    for name, rows in totals.items():
        print(f"  {name}: {rows}")
    return 0


async def _copy_images(config: Config, target: Store) -> int:
    """The data folder's image files into the database, where every app server finds them."""
    from blog.content.image_files import ImageFiles

    files = ImageFiles(config.data_dir / "images")
    names = sorted(files.names())
    for name in names:
        path = files.path(name)
        await target.image_files.put([(name, path.read_bytes())], path.stat().st_mtime)
    return len(names)
