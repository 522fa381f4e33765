"""The command line, run as a person would run it."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import STRONG_PASSWORD


def blog(*args: str, data_dir, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "blog", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


def test_help_lists_the_subcommands():
    result = subprocess.run([sys.executable, "-m", "blog", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for command in ("serve", "create-user", "set-role", "init-db"):
        assert command in result.stdout
    serve_help = subprocess.run([sys.executable, "-m", "blog", "serve", "--help"], capture_output=True, text=True, timeout=30)
    for flag in ("--host", "--port", "--data-dir"):
        assert flag in serve_help.stdout


def test_init_db_create_user_and_set_role(tmp_path):
    assert blog("init-db", data_dir=tmp_path).returncode == 0
    assert (tmp_path / "blog.sqlite3").exists()
    created = blog("create-user", "editor1", "--email", "e@example.com", "--role", "editor", "--password-stdin",
                   data_dir=tmp_path, stdin=STRONG_PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "created editor editor1" in created.stdout
    assert blog("set-role", "editor1", "admin", data_dir=tmp_path).stdout.strip() == "editor1 is now admin"
    missing = blog("set-role", "nobody", "admin", data_dir=tmp_path)
    assert missing.returncode == 1 and "no user" in missing.stderr


def test_create_user_refuses_weak_password_and_duplicates(tmp_path):
    weak = blog("create-user", "bob", "--email", "b@example.com", "--password-stdin", data_dir=tmp_path, stdin="password\n")
    assert weak.returncode == 2 and "most common" in weak.stderr
    ok = blog("create-user", "bob", "--email", "b@example.com", "--password-stdin", data_dir=tmp_path, stdin=STRONG_PASSWORD + "\n")
    assert ok.returncode == 0
    again = blog("create-user", "BOB", "--email", "c@example.com", "--password-stdin", data_dir=tmp_path, stdin=STRONG_PASSWORD + "\n")
    assert again.returncode == 1 and "taken" in again.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def running_server(tmp_path):  # type: ignore[no-untyped-def]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BLOG_SECRET_KEY"}
    process = subprocess.Popen(
        [sys.executable, "-m", "blog", "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise AssertionError(process.stderr.read())
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=15)


def test_serve_answers_and_logs_request_ids(running_server, tmp_path):
    url, process = running_server
    with urllib.request.urlopen(url + "/") as response:
        assert response.status == 200
        request_id = response.headers["X-Request-Id"]
    process.terminate()
    _, stderr = process.communicate(timeout=15)
    assert request_id in stderr  # the access log line carries the id
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_generated_secret_key_survives_a_restart(tmp_path):
    from blog.accounts.secret_key import load_or_create

    assert load_or_create(tmp_path) == load_or_create(tmp_path)


def test_cleanup_removes_only_orphan_images(tmp_path):
    import sqlite3

    from blog.content.image_files import ImageFiles

    assert blog("init-db", data_dir=tmp_path).returncode == 0
    files = ImageFiles(tmp_path / "images")
    used, orphan = files.save(b"used", "png"), files.save(b"orphan", "png")
    with sqlite3.connect(tmp_path / "blog.sqlite3") as conn:
        conn.execute("INSERT INTO users (username, email, password_hash, role, created_at) VALUES ('a', 'a@example.com', 'x', 'admin', 'now')")
        conn.execute("INSERT INTO posts (author_id, slug, title, excerpt, body, body_html, status, image, thumbnail,"
                     " created_at, updated_at) VALUES (1, 's', 't', 'e', 'b', 'b', 'draft', ?, ?, 'now', 'now')", (used, used))
        conn.execute("INSERT INTO kept_forms (token_hash, user_id, form, fields, created_at, expires_at)"
                     " VALUES ('h', 1, 'post:new', '{}', '2000-01-01T00:00:00.000000Z', '2000-01-01T01:00:00.000000Z')")
    spared = blog("cleanup", "--min-age", "3600", data_dir=tmp_path)
    assert spared.returncode == 0 and "removed 0 orphan" in spared.stdout  # too young: maybe an upload in progress
    assert "and 1 expired kept form(s)" in spared.stdout
    result = blog("cleanup", "--min-age", "0", data_dir=tmp_path)
    assert result.returncode == 0 and "removed 1 orphan image" in result.stdout
    assert files.names() == {used} and orphan not in files.names()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_port_in_use_says_so_in_one_line_and_creates_nothing(tmp_path, workers):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data_dir = tmp_path / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
        result = subprocess.run(
            [sys.executable, "-m", "blog", "serve", "--port", str(port), "--workers", workers,
             "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1
    output = (result.stdout + result.stderr).strip().splitlines()
    assert len(output) == 1, output
    assert f"port {port} on 127.0.0.1 is already in use" in output[0] and "--port" in output[0]
    assert not data_dir.exists()  # no database, no secret key, no folder


def test_serve_stopped_while_it_starts_exits_cleanly(tmp_path, database_url):
    """A SIGTERM during start-up (systemd restarting it, Ctrl-C right after the command) ends
    the server at once: no traceback from a database thread left behind, no hang."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    if database_url:
        env["BLOG_DATABASE_URL"] = database_url
    for step in range(20):
        with subprocess.Popen(  # closes its pipe even when it hangs (else a warning in a later test)
                [sys.executable, "-m", "blog", "serve", "--port", str(free_port()), "--data-dir", str(tmp_path / str(step))],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as process:
            try:
                first_line = process.stdout.readline()  # type: ignore[union-attr]
                time.sleep(step * 0.002)  # somewhere in its start-up: the database opening, the jobs starting
                process.send_signal(signal.SIGTERM)
                output = first_line + process.communicate(timeout=20)[0]
            finally:
                if process.poll() is None:
                    process.kill()
        # -SIGTERM: stopped before it listened for signals, as any program is.
        assert process.returncode in (0, -signal.SIGTERM), output
        assert "Traceback" not in output, output
