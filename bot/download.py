"""Fetching a record from a link someone gave, bounded: http(s) only, size and time limits, public addresses only.

A link in a chat is untrusted: it may point at the bot's own host (`http://127.0.0.1:…`), the
cloud's metadata service (169.254.169.254) or a private network, directly or through a redirect
or a name that resolves there. Every hop's scheme is checked, every address a name resolves to
is checked, and the connection goes to the checked addresses only (the resolver that checks is
the one aiohttp connects with), so a name cannot resolve to one address for the check and
another for the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

MAX_REDIRECTS = 5
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class DownloadError(Exception):
    """Why a link could not be fetched, in one line for the person who gave it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    timeout: float
    allow: tuple[Network, ...] = ()

    @classmethod
    def of(cls, max_bytes: int, timeout: float, allow: Sequence[str] = ()) -> Limits:
        return cls(max_bytes, timeout, tuple(ipaddress.ip_network(a, strict=False) for a in allow))


def size_said(n: int) -> str:
    """A size as people read it: `800 bytes`, `40 kB`, `20 MB`."""
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1e6:.0f} MB" if n >= 10_000_000 else f"{n / 1e6:.1f} MB"


def forbidden(address: str, allow: Sequence[Network] = ()) -> bool:
    """Whether the bot must not connect to `address`: loopback, private, link-local, reserved… unless allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allow):
        return False
    return not ip.is_global or ip.is_multicast


class CheckedResolver(AbstractResolver):
    """Resolves like the system does, and refuses a name when any of its addresses is not public."""

    def __init__(self, allow: Sequence[Network]) -> None:
        self.allow = allow

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, family=family)
        except socket.gaierror as err:
            raise DownloadError(f"{host} could not be found ({err.strerror}).") from None
        results: list[ResolveResult] = []
        for fam, _, proto, _, sockaddr in infos:
            address = str(sockaddr[0])
            if forbidden(address, self.allow):
                raise DownloadError(f"{host} is a private or local address; only public links can be added.")
            results.append(
                {
                    "hostname": host,
                    "host": address,
                    "port": int(sockaddr[1]),
                    "family": fam,
                    "proto": proto,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        return results

    async def close(self) -> None:
        return None


def _checked(url: str, allow: Sequence[Network]) -> str:
    """The URL if its scheme is http(s) and its host, when an address, is allowed."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DownloadError("Only http:// and https:// links can be added.")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url  # a name: the resolver checks what it stands for
    if forbidden(str(literal), allow):
        raise DownloadError(f"{parts.hostname} is a private or local address; only public links can be added.")
    return url


def file_name(url: str, headers: Any) -> str:
    """The name the record goes by: the server's `Content-Disposition` file name, else the link's last part."""
    disposition = headers.get("Content-Disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value.strip('" '):
            return value.strip('" ').rsplit("/", 1)[-1]
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name or "record"


async def fetch(url: str, limits: Limits) -> tuple[str, bytes]:
    """(file name, bytes) of the record at `url`, within the limits; `DownloadError` says why not."""
    timeout = aiohttp.ClientTimeout(total=limits.timeout)
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(limits.allow), use_dns_cache=False)
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            for _ in range(MAX_REDIRECTS + 1):
                url = _checked(url, limits.allow)
                async with session.get(url, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status != 200:
                        raise DownloadError(f"The link answered {response.status} {response.reason or ''}".strip() + ".")
                    return file_name(url, response.headers), await _body(response, limits.max_bytes)
            raise DownloadError(f"The link redirects more than {MAX_REDIRECTS} times.")
    except TimeoutError:
        raise DownloadError(f"The link took longer than {limits.timeout:.0f} s to download.") from None
    except aiohttp.ClientError as err:
        cause = err.__cause__ if isinstance(err.__cause__, DownloadError) else None
        if cause is not None:
            raise cause from None
        raise DownloadError(f"The link could not be fetched ({type(err).__name__}).") from None


async def _body(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, refused as soon as it is known to pass `max_bytes` (announced or as it arrives)."""
    too_big = DownloadError(f"The record is larger than {size_said(max_bytes)}, the most this bot takes.")
    if response.content_length is not None and response.content_length > max_bytes:
        raise too_big
    data = bytearray()
    async for chunk in response.content.iter_chunked(65536):
        data += chunk
        if len(data) > max_bytes:
            raise too_big
    return bytes(data)
