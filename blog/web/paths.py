"""Address prefixes that the request machinery treats differently from pages."""

from __future__ import annotations

# Where the JSON API is mounted: token-authenticated (no CSRF), JSON errors, never page-cached.
API_PREFIX = "/api"
STATIC_PREFIX = "/static"
IMAGES_PREFIX = "/images"


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")
