"""The client's address: the one place it is read, for the login throttle, the registration
limit, the session list and the access log.

A connection from a trusted proxy (BLOG_TRUSTED_PROXIES) may say which client it speaks
for, in `Forwarded` (RFC 7239) or `X-Forwarded-For`; any other connection is its own
client, whatever headers it sends, so nobody can pick their address by sending one. The
chain of hops is read from the right (the proxy nearest to us) and the first address
that is not a trusted proxy is the client's.

aiohttp-remotes was considered: its strict middlewares refuse direct connections that
do not come through the configured number of proxies, and its filtered one believes the
header from anybody, so neither fits "honoured only from these"; this is a page of code."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator

from aiohttp import hdrs, web

from blog.keys import CLIENT_ADDRESS, CONFIG

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def client_address(request: web.BaseRequest) -> str:
    """The client's address, normalised (so one client is always counted under one spelling)."""
    known = request.get(CLIENT_ADDRESS)
    if isinstance(known, str):
        return known
    return note_client_address(request, _trusted_proxies(request))


def note_client_address(request: web.BaseRequest, trusted: Networks) -> str:
    """Finds the client's address through `trusted` proxies and keeps it with the request; for
    a request answered before it reaches the app (web/first_answers.py), whose access-log
    line needs it and which has no app to read the configuration from."""
    peer = _address(request.remote or "")
    found = request.remote or "unknown" if peer is None else str(_through_proxies(request, peer, trusted))
    request[CLIENT_ADDRESS] = found
    return found


def _trusted_proxies(request: web.BaseRequest) -> Networks:
    try:
        return request.config_dict[CONFIG].trusted_proxy_networks if isinstance(request, web.Request) else ()
    except (AttributeError, KeyError, RuntimeError):  # a request that failed before it reached the app
        return ()


def _through_proxies(request: web.BaseRequest, peer: Address, trusted: Networks) -> Address:
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    client = peer
    for hop in reversed(list(_forwarded_hops(request))):
        address = _address(hop)
        if address is None:  # "unknown", an obfuscated name or garbage: the last proxy is all we know
            return client
        client = address
        if not _is_trusted(address, trusted):
            return address
    return client


def _forwarded_hops(request: web.BaseRequest) -> Iterator[str]:
    """The addresses the proxies reported, the original client first."""
    if hdrs.FORWARDED in request.headers:
        for element in request.forwarded:
            yield element.get("for", "") or ""
        return
    for header in request.headers.getall(hdrs.X_FORWARDED_FOR, []):
        yield from (part.strip() for part in header.split(","))


@functools.lru_cache(maxsize=4096)  # every request asks for its peer's address, often the same few
def _address(text: str) -> Address | None:
    """An IP address from '192.0.2.1', '[2001:db8::1]:443', '"192.0.2.1:8080"' and the like."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: Address, trusted: Networks) -> bool:
    return any(address.version == network.version and address in network for network in trusted)
