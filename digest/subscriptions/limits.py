"""Rate limits per key (a client, an inbox): a token bucket each, in memory.

A bucket holds `burst` requests and refills at `per_hour`; a key whose bucket is empty is
refused until it refills. Buckets of keys not seen for a day are forgotten, so the table
stays small under a flood of one-off addresses.

A client is keyed by `client_key`: an IPv4 address by itself, an IPv6 address by its /64.
One IPv6 host (a phone, a VPS, a home router's LAN) is handed a whole /64 and may use any
address in it, so keying by the full address would give it 2**64 buckets (RFC 6177;
the usual practice of fail2ban, nginx's limit_req users and mail blocklists such as
Spamhaus). An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports
for an IPv4 client) is that IPv4 address.
"""

from __future__ import annotations

import ipaddress
import threading

IPV6_PREFIX = 64


def client_key(address: str) -> str:
    """The rate-limit key of a client address: IPv4 as is, IPv6 as its /64 network."""
    text = address.strip().strip("[]").partition("%")[0]  # a zone (fe80::1%eth0) is local
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return address  # not an address (a unix socket, a test): the text is the key
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


class RateLimit:
    def __init__(self, *, per_hour: float, burst: int, forget_after: float = 86400) -> None:
        self.rate = per_hour / 3600
        self.burst = burst
        self.forget_after = forget_after
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()
        self._swept = 0.0

    def allow(self, key: str, now: float) -> bool:
        with self._lock:
            if now - self._swept > 3600:
                self._sweep(now)
            tokens, when = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            return allowed

    def _sweep(self, now: float) -> None:
        self._swept = now
        old = [k for k, (_, when) in self._buckets.items() if now - when > self.forget_after]
        for key in old:
            del self._buckets[key]
