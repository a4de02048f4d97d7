"""Where a webhook may be sent — no server-side request forgery.

A receiver URL must be `https` (plain `http` only where a development setting allows it), carry
no credentials, and every address its host resolves to must be public: never loopback (unless
the development setting allows it), private, link-local, the cloud metadata address, multicast,
reserved or unspecified — nor an IPv6 transition address (6to4, Teredo) that carries an IPv4 one
for a relay to reach. The check runs at registration *and* before every delivery, because
what a name resolves to can change after it was registered. Redirects are never followed."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# Cloud metadata services answer here (AWS, GCP, Azure; Alibaba), whatever else the range is.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrlError(ValueError):
    """The URL may not receive webhooks; the message says why, in one line."""


@dataclass(frozen=True)
class Rules:
    allow_http: bool
    allow_loopback: bool


NOTHING_LOCAL = Rules(allow_http=False, allow_loopback=False)


def check_url(url: str, rules: Rules) -> tuple[str, int]:
    """(host, port) of a URL whose form may receive webhooks; UnsafeUrlError otherwise (no DNS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not rules.allow_http):
        raise UnsafeUrlError("url: use an https:// address")
    if parts.username or parts.password:
        raise UnsafeUrlError("url: credentials in the address are not allowed; authenticate with the signature")
    if not parts.hostname:
        raise UnsafeUrlError("url: the address names no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeUrlError("url: the port is not a number between 0 and 65535") from error
    return parts.hostname, port


def refusal(address: Address, rules: Rules) -> str | None:
    """Why `address` may not receive webhooks (None: it may)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    elif isinstance(address, ipaddress.IPv6Address) and (why := _transition_refusal(address)):
        return why
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if rules.allow_loopback else "a loopback address"
    for flag, what in (
        ("is_unspecified", "an unspecified address"),  # 0.0.0.0 reaches this machine on Linux
        ("is_link_local", "a link-local address"),
        ("is_private", "a private address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, flag):
            return what
    return None if address.is_global else "not a public address"


def _transition_refusal(address: ipaddress.IPv6Address) -> str | None:
    """6to4 (2002::/16) and Teredo (2001::/32) addresses carry an IPv4 address that a relay delivers
    to, and are not globally reachable (IANA's special-purpose registry): refused, naming the embedded
    address when it would be refused itself (never allowed, not even loopback in development)."""
    if address.sixtofour is not None:
        what, embedded = "a 6to4 address", [address.sixtofour]
    elif address.teredo is not None:
        server, client = address.teredo
        what, embedded = "a Teredo address", [client, server]
    else:
        return None
    for ipv4 in embedded:
        why = refusal(ipv4, NOTHING_LOCAL)
        if why:
            return f"{what} (embeds {ipv4}, {why})"
    return f"{what}, which is not globally reachable"


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to now; UnsafeUrlError when it resolves to none."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeUrlError(f"url: the host {host!r} could not be resolved") from error
    return sorted({ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found}, key=str)


def check_destination(url: str, rules: Rules) -> None:
    """UnsafeUrlError unless `url` has a safe form and every address its host resolves to now is allowed."""
    host, port = check_url(url, rules)
    for address in resolve(host, port):
        why = refusal(address, rules)
        if why:
            raise UnsafeUrlError(f"url: {host} resolves to {address}, {why}, which may not receive webhooks")
