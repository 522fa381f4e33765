"""`reset-password`, `delete-user` and `render-posts`: an admin's help on the server itself."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from blog.cli.common import add_data_dir, fail, read_password, with_store
from blog.config import Config
from blog.store import Store

RENDER_BATCH = 500


def add_commands(commands: Any) -> None:
    reset = commands.add_parser("reset-password", help="set an account's password, or print a reset link for it")
    reset.add_argument("username")
    how = reset.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    how.add_argument("--link", action="store_true",
                     help="print a single-use link (valid one hour) for the user to choose a password")
    add_data_dir(reset)
    reset.set_defaults(run=reset_password)

    delete = commands.add_parser("delete-user", help="delete an account; its comments stay as 'deleted user'")
    delete.add_argument("username")
    posts = delete.add_mutually_exclusive_group(required=True)
    posts.add_argument("--trash-posts", action="store_true", help="move the account's posts to the trash")
    posts.add_argument("--posts-to", metavar="USERNAME", help="give the account's posts to this account")
    add_data_dir(delete)
    delete.set_defaults(run=delete_user)

    render = commands.add_parser("render-posts",
                                 help="render every post's Markdown again (after an upgrade: code highlighting)")
    add_data_dir(render)
    render.set_defaults(run=render_posts)


def reset_password(args: argparse.Namespace, config: Config) -> int:
    from blog.accounts.password_reset import RESET_LIFETIME, new_reset_link
    from blog.accounts.passwords import hash_blocking, password_problem

    password = None if args.link else read_password(args.password_stdin)

    async def work(store: Store) -> int:
        user = await store.users.by_username(args.username)
        if user is None or user.deleted_at is not None:
            return fail(f"there is no user {args.username!r}", 1)
        if password is None:
            base = config.base_url or f"http://{config.host}:{config.port}"
            print(await new_reset_link(store, user, base))
            print(f"This link lets {user.username} choose a new password once, within "
                  f"{RESET_LIFETIME // 60} minutes.", file=sys.stderr)
            if not config.base_url:
                print("(BLOG_BASE_URL is unset: check that the address above is the one readers use.)",
                      file=sys.stderr)
            return 0
        problem = password_problem(password, user.username)
        if problem:
            return fail(problem)
        await store.users.reset_password(user.id, hash_blocking(password))
        print(f"the password of {user.username} is set; its sessions and API tokens have ended")
        if user.suspended_at is not None:
            print(f"note: {user.username} is suspended and cannot log in until an admin restores the account")
        return 0

    return with_store(config, work)


def delete_user(args: argparse.Namespace, config: Config) -> int:
    from blog.accounts.deletion import CannotTransfer, delete_account, transfer_target
    from blog.store.users import LastAdmin

    async def work(store: Store) -> int:
        user = await store.users.by_username(args.username)
        if user is None or user.deleted_at is not None:
            return fail(f"there is no user {args.username!r}", 1)
        try:
            posts_to = await transfer_target(store, user, args.posts_to) if args.posts_to else None
            await delete_account(store, user, posts_to)
        except CannotTransfer as exc:
            return fail(str(exc), 1)
        except LastAdmin:
            return fail(f"{user.username} is the last admin; make another account admin first", 1)
        where = f"given to {posts_to.username}" if posts_to else "moved to the trash"
        print(f"deleted {user.username}: sessions and API tokens ended, posts {where}, comments kept as 'deleted user'")
        return 0

    return with_store(config, work)


def render_posts(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from blog.content.markdown import render_markdown

    async def work(store: Store) -> int:
        count, after = 0, 0
        with tqdm(unit="post", desc="render-posts", file=sys.stderr) as progress:
            while batch := await store.posts.bodies_after(after, RENDER_BATCH):
                await store.posts.set_bodies_html([(post_id, render_markdown(body)) for post_id, body in batch])
                after, count = batch[-1][0], count + len(batch)
                progress.update(len(batch))
        print(f"rendered {count} posts and pages again")
        return 0

    return with_store(config, work)
