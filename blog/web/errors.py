"""Every error becomes a page in the site layout, or JSON for clients that ask for it.
A traceback goes to the log with the request id, never to the client."""

from __future__ import annotations

import asyncio
import logging

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from blog.keys import REQUEST_ID, REQUEST_IDS
from blog.web.json_errors import generic_error
from blog.web.paths import is_api_path
from blog.web.request_ids import RequestIds
from blog.web.templating import site_context

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    400: "The request could not be understood.",
    401: "You need to log in to do that.",
    403: "You are not allowed to do that.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    409: "Somebody changed this in the meantime.",
    413: "What you sent is larger than this site accepts.",
    415: "This kind of content is not accepted here.",
    429: "Too many requests. Wait a little and try again.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}
# Headers an HTTPException may carry that must survive into the error page.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")
JSON_ENDPOINT = "__blog_json_endpoint__"


def json_endpoint(handler: Handler) -> Handler:
    """Marks a handler that answers JSON only: its errors are JSON whatever the client accepts."""
    setattr(handler, JSON_ENDPOINT, True)
    return handler


def wants_json(request: web.Request) -> bool:
    """True when the client prefers application/json to text/html, or the handler speaks only JSON."""
    if is_api_path(request.path) or getattr(request.match_info.handler, JSON_ENDPOINT, False):
        return True
    return _quality(request, "application/json") > _quality(request, "text/html")


def _quality(request: web.Request, media_type: str) -> float:
    best = 0.0
    main_type = media_type.split("/")[0] + "/*"
    for item in request.headers.get("Accept", "").split(","):
        kind, _, params = item.strip().partition(";")
        if kind.strip().lower() not in (media_type, main_type, "*/*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # An exact match counts a little more than a wildcard.
        best = max(best, quality + (0.001 if kind.strip().lower() == media_type else 0))
    return best


def message_of(exc: web.HTTPException) -> str:
    """The handler's own sentence when it gave one, else ours for the status."""
    default_text = f"{exc.status}: {exc.reason}"
    # aiohttp's own 413 text speaks in bytes and internals; ours speaks to the reader.
    if exc.text and exc.text != default_text and exc.status != 413:
        return exc.text
    return DEFAULT_MESSAGES.get(exc.status, exc.reason)


async def error_response(
    request: web.Request, status: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    reason = web.Response(status=status).reason
    request_id = request.get(REQUEST_ID, "")
    if is_api_path(request.path):  # API clients get every error in the RealWorld shape
        return generic_error(status, request_id, headers)
    if wants_json(request):
        body = {"error": reason, "message": message}
        if status >= 500:
            body["request_id"] = request_id
        response: web.Response = web.json_response(body, status=status)
    else:
        # The context processors may not have run: the error can come from an outer middleware.
        context = {
            **await site_context(request),
            "request": request,
            "status": status,
            "reason": reason,
            "message": message,
            "request_id": request_id,
        }
        try:
            response = aiohttp_jinja2.render_template("errors/error.html", request, context, status=status)
        except Exception:  # the error page itself failed: plain text still tells the truth
            log.exception("error page failed to render (request %s)", request_id)
            response = web.Response(text=f"{status} {reason}\n{message}\n", status=status)
    response.headers.update(headers or {})
    return response


@web.middleware
async def handle_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    ids: RequestIds = request.config_dict[REQUEST_IDS]
    request[REQUEST_ID] = next(ids)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        kept = {name: exc.headers[name] for name in KEPT_HEADERS if name in exc.headers}
        return await error_response(request, exc.status, message_of(exc), kept)
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        log.exception("request %s failed: %s %s", request[REQUEST_ID], request.method, request.path)
        return await error_response(request, 500, DEFAULT_MESSAGES[500])
