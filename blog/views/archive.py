"""The archive: years and months with their numbers of posts, and the posts of a year or a
month, paged like every list (a cursor on the listing index, never an offset)."""

from __future__ import annotations

import calendar
from itertools import groupby
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.keys import STORE
from blog.views.link_previews import list_preview
from blog.views.posts import list_page
from blog.web.site import current_site


def _moment(year: int, month: int) -> str:
    """The first instant of a month, as published_at is stored (text order is time order)."""
    if year > 9999:
        return "9999-12-31T23:59:59.999999Z~"  # sorts after every stored time
    return f"{year:04d}-{month:02d}-01T00:00:00.000000Z"


def _period(request: web.Request) -> tuple[int, int | None]:
    year = int(request.match_info["year"])
    month = int(request.match_info["month"]) if "month" in request.match_info else None
    if year < 1 or (month is not None and not 1 <= month <= 12):
        raise web.HTTPNotFound(text="There is no such month.")
    return year, month


@aiohttp_jinja2.template("browse/archive.html")
async def archive(request: web.Request) -> dict[str, Any]:
    site = await current_site(request)
    months = await request.config_dict[STORE].catalog.months()
    years = [(year, list(entries)) for year, entries in groupby(months, key=lambda m: m.year)]
    return {"years": [(year, sum(m.posts for m in entries), entries) for year, entries in years],
            "month_names": calendar.month_name,
            "preview": list_preview(request, site, "Archive", f"Every post of {site.title}, by year and month.")}


@aiohttp_jinja2.template("posts/list.html")
async def period(request: web.Request) -> dict[str, Any]:
    year, month = _period(request)
    if month is None:
        heading, bounds = f"Posts from {year}", (_moment(year, 1), _moment(year + 1, 1))
    else:
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        heading = f"Posts from {calendar.month_name[month]} {year}"
        bounds = (_moment(year, month), _moment(*following))
    site = await current_site(request)
    context = await list_page(request, heading, "Nothing was published then.", period=bounds)
    months = [m for m in await request.config_dict[STORE].catalog.months() if m.year == year]
    return {**context, "archive_year": year, "archive_months": months, "month_names": calendar.month_name,
            "preview": list_preview(request, site, heading, f"{heading} on {site.title}.")}


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/archive", archive, name="archive")
    app.router.add_get(r"/archive/{year:\d{4}}", period, name="archive_year")
    app.router.add_get(r"/archive/{year:\d{4}}/{month:\d{2}}", period, name="archive_month")
