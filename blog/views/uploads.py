"""POST /uploads: a picture for a post's text, answered with the Markdown that shows it.

The editor's script sends here what the writer picks, drops or pastes; the answer is
`201 {"url", "markdown", "width", "height"}`, and every refusal is JSON with a sentence."""

from __future__ import annotations

from aiohttp import web

from blog.accounts.current import current_user
from blog.content.images import ImageRejected
from blog.content.uploads import alt_problem, save_inline_upload, too_large, uploaded_bytes
from blog.keys import CONFIG
from blog.web.errors import json_endpoint
from blog.web.forms import read_form


def _refusal(status: int, message: str) -> web.Response:
    return web.json_response({"error": web.Response(status=status).reason, "message": message}, status=status)


@json_endpoint
async def upload(request: web.Request) -> web.Response:
    if current_user(request) is None:
        return _refusal(401, "Log in to add images.")
    limit = request.config_dict[CONFIG].max_image_bytes
    try:
        form = await read_form(request)
    except web.HTTPRequestEntityTooLarge:  # far past the limit: not even read to the end
        return _refusal(413, too_large(limit))
    if "image" in form.oversized:  # read and dropped by the form reader
        return _refusal(413, too_large(limit))
    data = uploaded_bytes(form.files.get("image"))
    if data is None:
        return _refusal(400, "Choose an image to upload (the form field “image”).")
    alt = form.fields.get("alt", "")
    problem = alt_problem(alt)
    if problem:
        return _refusal(400, problem)
    try:
        saved = await save_inline_upload(request, data, alt)
    except ImageRejected as exc:
        return _refusal(422, f"{exc.message} Choose another file.")
    body = {"url": saved.url, "markdown": saved.markdown, "width": saved.width, "height": saved.height}
    return web.json_response(body, status=201)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/uploads", upload, name="uploads")
