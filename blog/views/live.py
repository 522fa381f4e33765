"""P/live: a WebSocket per reader of a post. Every message is a JSON object with a `kind`.

Server to client: presence, comment_added (a reply has its parent_id), comment_edited,
comment_deleted, reactions_changed, typing, caught_up, pong, error.
Client to server: typing, ping, catch_up {after: <last comment id the client has>,
since: <the `at` of the last caught_up it had, or of the page>} (see README, "Live")."""

from __future__ import annotations

import asyncio
import re
import time

from aiohttp import WSCloseCode, WSMsgType, web

from blog import clock
from blog.accounts.current import current_user
from blog.keys import ROOMS, STORE
from blog.live.broker import decode, encode, send_error
from blog.live.rooms import Reader, typing_event
from blog.views.posts import load_post
from blog.web.csrf import is_foreign_origin
from blog.web.ids import storable_id
from blog.web.sockets import gone, opened

MAX_MESSAGE_BYTES = 4096
HEARTBEAT_SECONDS = 20.0
SEND_QUEUE_SIZE = 256
RATE_BURST = 20  # messages a client may send at once ...
RATE_PER_SECOND = 2.0  # ... and on average after that
TYPING_INTERVAL = 2.0  # a reader's typing is relayed at most this often
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")  # as blog/clock.py writes them


class RateLimit:
    """A token bucket: bursts are fine, a flood is not."""

    def __init__(self, burst: int, per_second: float) -> None:
        self.burst, self.per_second = burst, per_second
        self.tokens, self.updated = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


async def live(request: web.Request) -> web.StreamResponse:
    if is_foreign_origin(request):
        raise web.HTTPForbidden(text="Live updates are only for pages of this site.")
    post = await load_post(request)
    if not post.is_public:
        raise web.HTTPNotFound(text="There is no post at this address.")
    # No compression: messages are small, and a zlib context per reader costs ~150 KiB.
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_MESSAGE_BYTES, compress=False)
    if not await opened(ws, request):
        return gone()
    user = current_user(request)
    reader = Reader(ws, post.id, user.username if user else None, SEND_QUEUE_SIZE)
    rooms = request.config_dict[ROOMS]
    tasks = [asyncio.create_task(reader.send_queued()), asyncio.create_task(_drop_when_overflowed(reader))]
    await rooms.join(reader)
    try:
        await _receive(request, reader, post.comments_open)
    finally:
        for task in tasks:
            task.cancel()
        await rooms.leave(reader)
    return ws


async def _drop_when_overflowed(reader: Reader) -> None:
    await reader.overflowed.wait()
    await reader.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too far behind; reconnect")


async def _receive(request: web.Request, reader: Reader, comments_open: bool) -> None:
    limit, last_typing = RateLimit(RATE_BURST, RATE_PER_SECOND), 0.0
    async for message in reader.ws:
        if message.type != WSMsgType.TEXT:
            await reader.ws.close(code=WSCloseCode.UNSUPPORTED_DATA, message=b"text messages only")
            return
        if not limit.allow():
            await reader.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"too many messages")
            return
        event = decode(message.data)
        kind = event.get("kind") if event else None
        if kind == "ping":
            reader.deliver(encode({"kind": "pong"}))
        elif kind == "typing" and not comments_open:  # nobody writes a comment here
            send_error(reader, "Comments are closed on this post.")
        elif kind == "typing":
            last_typing = await _typing(request, reader, last_typing)
        elif kind == "catch_up" and event is not None:
            await _catch_up(request, reader, event.get("after"), event.get("since"))
        else:
            send_error(reader, "Messages are JSON objects with a kind: ping, typing or catch_up.")


async def _typing(request: web.Request, reader: Reader, last: float) -> float:
    if reader.username is None:
        send_error(reader, "Log in to comment.")
        return last
    now = time.monotonic()
    if now - last < TYPING_INTERVAL:
        return last
    await request.config_dict[ROOMS].broker.publish(reader.post_id, typing_event(reader.username))
    return now


async def _catch_up(request: web.Request, reader: Reader, after: object, since: object) -> None:
    """Sends what came after the client's last comment and the comments edited since `since`,
    then every id still there (to drop deleted ones), every comment's reactions, and the
    moment this answer stands for (the client's next `since`)."""
    after_id = 0 if type(after) is int and after == 0 else storable_id(after)  # ids too large for SQLite too
    if after_id is None:
        send_error(reader, "catch_up needs `after`: the id of the last comment you have, or 0.")
        return
    if since is not None and not (isinstance(since, str) and MOMENT.fullmatch(since)):
        send_error(reader, "catch_up's `since`, when given, is the `at` of the last caught_up you had.")
        return
    at = clock.now_iso()  # before reading, so that nothing done meanwhile falls between two answers
    store = request.config_dict[STORE]
    for comment in await store.comments.of_post(reader.post_id, after_id):
        reader.deliver(encode(comment.as_event()))
    if since is not None:
        for comment in await store.comments.edited_since(reader.post_id, since):
            if comment.id <= after_id:  # those after it were just sent as they are now
                reader.deliver(encode(comment.as_event("comment_edited")))
    reactions = await store.reactions.of_post(reader.post_id)
    reader.deliver(encode({
        "kind": "caught_up", "ids": await store.comments.ids_of_post(reader.post_id), "at": at,
        "reactions": {str(comment_id): [reaction.as_json() for reaction in given]
                      for comment_id, given in reactions.items()},
    }))


def setup_routes(app: web.Application) -> None:
    app.router.add_get(r"/posts/{id:\d+}/{slug}/live", live, name="live")
