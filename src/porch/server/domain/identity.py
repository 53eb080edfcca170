"""Who is asking: the client's IP address behind trusted proxies, and keyed hashes of addresses.

The IP comes from `X-Forwarded-For` or `Forwarded` **only** when the direct peer (the socket
address) is one of the configured `trusted_proxies`; from anyone else those headers are ignored,
because they are written by the client. (Isso takes the first hop of X-Forwarded-For from anyone, so
a forged header defeats its rate limit and its vote check.) Behind trusted proxies the header is
read from the right: each trusted hop is skipped, and the first address that is not a trusted proxy
is the client — the left-most entries can be forged by the client and are never believed.

(A visitor for "one like per visitor" is a keyed hash of that IP and the user agent: signing.py.)
An e-mail address is kept next
to a comment, but matched (a commenter's history, "first comment" moderation, subscriptions) by
its keyed hash under the site's secret (`email_hash`). `cut_ip` is how retention forgets an
address: it keeps the network (/24, /48), which is what reputation and throttling look at.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

_FOR = re.compile(r'for=("?)(\[?[^\]",;]+\]?(?::\d+)?)\1', re.I)


class TrustedProxies:
    def __init__(self, spec: str | Iterable[str]):
        items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else [s.strip() for s in spec]
        self.networks = tuple(ipaddress.ip_network(item, strict=False) for item in items if item)

    def __contains__(self, ip: str) -> bool:
        address = _address(ip)
        return address is not None and any(address in net for net in self.networks)

    def client_ip(self, peer: str | None, headers: Mapping[str, str]) -> str:
        """The client's address for a request from `peer` with these headers."""
        peer = peer or ""
        if not self.networks or peer not in self:
            return peer
        hops = _hops(headers)
        for hop in reversed(hops):
            if hop not in self:
                return hop
        return hops[0] if hops else peer


def _hops(headers: Mapping[str, str]) -> list[str]:
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
def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None


def email_hash(site_secret: bytes, email: str) -> str:
    """An e-mail address as porch matches it on one site: case-folded, keyed by the site's secret."""
    return hmac.new(site_secret, b"email\0" + email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def cut_ip(ip: str | None) -> str | None:
    """An address cut to its network (/24, /48), as retention keeps it."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
