"""/admin/settings: the site's title, tagline, icon, navigation links, footer, and whether
registration is open and new posts take comments. Admins only; in effect at once in every process."""

from __future__ import annotations

import re
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import admin_user, require_login
from blog.content.avatars import save_square_upload
from blog.content.images import ImageRejected
from blog.content.uploads import oversized_file
from blog.keys import CONFIG, STORE
from blog.web.forms import FieldErrors, SubmittedForm, read_form
from blog.web.site import Site, current_site

TITLE_MAX = 100
DESCRIPTION_MAX = 200
FOOTER_MAX = 300
LINKS_MAX = 10
LABEL_MAX = 40
LINK_URL_MAX = 300
TEXT_FIELDS = ("title", "description", "footer", "nav_links")
# A path on this site (not //host), or an http(s) address; no spaces, quotes or controls.
LINK_URL = re.compile(r"(/(?![/\\])|https?://)[^\s\"'<>\\]*")


def _values_of(site: Site) -> dict[str, Any]:
    return {"title": site.title, "description": site.description, "footer": site.footer,
            "nav_links": "\n".join(f"{link.label} | {link.url}" for link in site.nav_links),
            "registration_open": site.registration_open, "comments_default": site.comments_default}


def parse_links(text: str, errors: FieldErrors) -> list[list[str]]:
    """'Label | URL' per line -> [[label, url], ...]; the first problem becomes the field's error."""
    links: list[list[str]] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        label, bar, url = (part.strip() for part in line.partition("|"))
        if not bar or not label or not url:
            problem = "write a label, a '|' and an address, such as: About | /pages/about"
        elif len(label) > LABEL_MAX:
            problem = f"keep the label to {LABEL_MAX} characters"
        elif len(url) > LINK_URL_MAX or not LINK_URL.fullmatch(url):
            problem = "the address must be a path on this site (/pages/about) or start with https://"
        else:
            links.append([label, url])
            continue
        errors["nav_links"] = f"Line {number}: {problem}."
        break
    if len(lines) > LINKS_MAX and "nav_links" not in errors:
        errors["nav_links"] = f"Use at most {LINKS_MAX} links (there are {len(lines)})."
    return links


def validate_settings(values: dict[str, Any]) -> tuple[dict[str, Any], FieldErrors]:
    errors: FieldErrors = {}
    for name, maximum in (("title", TITLE_MAX), ("description", DESCRIPTION_MAX), ("footer", FOOTER_MAX)):
        if len(values[name]) > maximum:
            errors[name] = f"Keep it to {maximum} characters (it has {len(values[name])})."
    if not values["title"] and "title" not in errors:
        errors["title"] = "Give the site a title."
    links = parse_links(values["nav_links"], errors)
    clean = {name: values[name] for name in ("title", "description", "footer", "registration_open",
                                             "comments_default")}
    return {**clean, "nav_links": links}, errors


async def _read_form(request: web.Request) -> tuple[dict[str, Any], SubmittedForm]:
    form = await read_form(request)
    values: dict[str, Any] = form.text(*TEXT_FIELDS, "remove_icon", strip=("title", "description", "footer"))
    values["registration_open"] = form.fields.get("registration_open") == "on"
    values["comments_default"] = form.fields.get("comments_default") == "on"
    return values, form


def _page(request: web.Request, values: dict[str, Any], site: Site, errors: FieldErrors | None = None,
          status: int = 200) -> web.Response:
    context = {"values": values, "errors": errors or {}, "saved": request.query.get("saved") == "1",
               "icon": site.icon}
    return aiohttp_jinja2.render_template("admin/settings.html", request, context, status=status)


@require_login
async def settings_form(request: web.Request) -> web.Response:
    admin_user(request)
    site = await current_site(request)
    return _page(request, _values_of(site), site)


@require_login
async def save_settings(request: web.Request) -> web.Response:
    admin_user(request)
    site = await current_site(request)
    values, form = await _read_form(request)
    clean, errors = validate_settings(values)
    too_large = oversized_file(form, "icon", request.config_dict[CONFIG].max_image_bytes)
    if too_large:  # said whatever else is wrong
        errors["icon"] = too_large
    icon = None
    if not errors:
        try:
            icon = await save_square_upload(request, form.files.get("icon"))
        except ImageRejected as exc:
            errors["icon"] = f"{exc} Choose another file."
    if errors:
        if "icon" not in errors and form.chose_file("icon"):  # a browser cannot put a file back
            errors["icon"] = "The settings were not saved, so the icon you chose was not kept: choose it again."
        return _page(request, values, site, errors, status=400)
    store = request.config_dict[STORE]
    if icon is not None:
        clean["icon_large"], clean["icon"] = icon
    elif values["remove_icon"]:
        clean["icon_large"] = clean["icon"] = None
    await store.settings.save(clean)
    raise web.HTTPSeeOther(location=str(request.app.router["admin_settings"].url_for().with_query(saved="1")))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/settings", settings_form, name="admin_settings")
    app.router.add_post("/admin/settings", save_settings)
