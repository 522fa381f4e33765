"""Running the app on a listening socket: aiohttp's run_app, with one step of ours between
setting the server up and the first connection (see run)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


def run(app: web.Application, listener: socket.socket, *, access_log_class: type[AbstractAccessLogger],
        prepare: Callable[[web.Server], None]) -> None:
    """Serves until SIGTERM or SIGINT, then stops as web.run_app does: the app's shutdown and
    cleanup first (live sockets hear 1001, requests finish), every other task after.

    `prepare` gets aiohttp's low-level server once it exists (the app started): the place to
    answer some requests before aiohttp routes them (web/first_answers.py), which run_app
    offers no way to reach."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(_serve(app, listener, access_log_class, prepare))
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            if not main.done():
                main.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    loop.run_until_complete(main)
        finally:
            _cancel_the_rest(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


async def _serve(app: web.Application, listener: socket.socket, access_log_class: type[AbstractAccessLogger],
                 prepare: Callable[[web.Server], None]) -> None:
    _stop_on_signals(asyncio.get_running_loop())
    runner = web.AppRunner(app, access_log_class=access_log_class)
    try:
        # Inside the try: a signal during start-up still runs the cleanup of what had started
        # (the database's threads, the jobs), or the loop closes under them.
        await runner.setup()
        assert runner.server is not None
        prepare(runner.server)
        await web.SockSite(runner, listener).start()
        await asyncio.Event().wait()  # until a signal raises GracefulExit
    finally:
        await runner.cleanup()


def _stop_on_signals(loop: asyncio.AbstractEventLoop) -> None:
    """SIGINT and SIGTERM stop the server, as run_app's handlers do, except that only the first
    SIGTERM counts. systemd, or a kill of the process group, sends it to the workers of
    `--workers N` and to their parent, which passes it on: a worker hears it twice, and a second
    GracefulExit would cut the graceful stop short (the loop closed under a database thread: a
    traceback, or a process that never exits)."""

    def stop() -> None:
        raise web.GracefulExit()

    def stop_once() -> None:
        loop.add_signal_handler(signal.SIGTERM, lambda: None)
        stop()

    loop.add_signal_handler(signal.SIGINT, stop)
    loop.add_signal_handler(signal.SIGTERM, stop_once)


def _cancel_the_rest(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
