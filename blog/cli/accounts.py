"""`create-user` and `set-role`: accounts made and changed on the server itself."""

from __future__ import annotations

import argparse
from typing import Any

from blog.cli.common import add_data_dir, fail, read_password, with_store
from blog.config import Config
from blog.store import Store
from blog.store.users import ROLES, EmailTaken, LastAdmin, UsernameTaken


def add_commands(commands: Any) -> None:
    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("username")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, default="author")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add_data_dir(create)
    create.set_defaults(run=create_user)

    role = commands.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    add_data_dir(role)
    role.set_defaults(run=set_role)


def create_user(args: argparse.Namespace, config: Config) -> int:
    from email_validator import EmailNotValidError, validate_email

    from blog.accounts.passwords import hash_blocking, password_problem
    from blog.accounts.usernames import USERNAME_PATTERN

    if not USERNAME_PATTERN.fullmatch(args.username):
        return fail("a username is 3 to 30 letters, digits, '-' or '_'")
    try:
        email = validate_email(args.email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return fail(str(exc))
    password = read_password(args.password_stdin)
    problem = password_problem(password, args.username)
    if problem:
        return fail(problem)

    async def work(store: Store) -> int:
        try:
            user = await store.users.create(args.username, email, hash_blocking(password), args.role)
        except (UsernameTaken, EmailTaken):
            return fail("that username or email is taken", 1)
        print(f"created {user.role} {user.username}")
        return 0

    return with_store(config, work)


def set_role(args: argparse.Namespace, config: Config) -> int:
    async def work(store: Store) -> int:
        try:
            if not await store.users.set_role(args.username, args.role):
                return fail(f"there is no user {args.username!r}", 1)
        except LastAdmin:
            return fail(f"{args.username} is the last admin; make another account admin first", 1)
        print(f"{args.username} is now {args.role}")
        return 0

    return with_store(config, work)
