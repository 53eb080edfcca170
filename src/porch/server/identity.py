"""Who is asking: the client's IP address, and a visitor key for likes.

The IP comes from `X-Forwarded-For` or `Forwarded` **only** when the direct peer (the socket
address) is one of the configured `trusted_proxies`; from anyone else those headers are ignored,
because they are written by the client. (Isso takes the first hop of X-Forwarded-For from anyone, so
a forged header defeats its rate limit and its vote check.) Behind trusted proxies the header is
read from the right: each trusted hop is skipped, and the first address that is not a trusted proxy
is the client — the left-most entries can be forged by the client and are never believed.

A visitor (for "one like per visitor") is a keyed hash of that IP and the user agent: the same
person in the same browser likes once; nothing stored names them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache

_FOR = re.compile(r'for=("?)(\[?[^\]",;]+\]?(?::\d+)?)\1', re.I)


class TrustedProxies:
    def __init__(self, spec: str | Iterable[str]):
        items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else [s.strip() for s in spec]
        self.networks = tuple(ipaddress.ip_network(item, strict=False) for item in items if item)

    def __contains__(self, ip: str) -> bool:
        address = _address(ip)
        return address is not None and any(address in net for net in self.networks)

    def client_ip(self, peer: str | None, headers) -> str:
        """The client's address for a request from `peer` with these headers."""
        peer = peer or ""
        if not self.networks or peer not in self:
            return peer
        hops = _hops(headers)
        for hop in reversed(hops):
            if hop not in self:
                return hop
        return hops[0] if hops else peer


def _hops(headers) -> list[str]:
    forwarded = headers.get("forwarded")
    hops: list[str] = []
    if forwarded:
        for match in _FOR.finditer(forwarded):
            hops.append(_strip_port(match.group(2)))
    else:
        for part in (headers.get("x-forwarded-for") or "").split(","):
            if part.strip():
                hops.append(_strip_port(part.strip()))
    return [h for h in hops if _address(h) is not None]


def _strip_port(value: str) -> str:
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


@lru_cache(maxsize=4096)
def _address(ip: str):
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None


def visitor_key(secret: bytes, ip: str, user_agent: str) -> str:
    return hmac.new(secret, f"visitor\0{ip}\0{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]
