"""Links to records: only public http(s) addresses, whatever a name or a redirect says."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from bot.download import DownloadError, Limits, fetch, forbidden

LOCAL = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0"]


@pytest.mark.parametrize("address", LOCAL)
def test_loopback_private_and_link_local_addresses_are_forbidden(address: str) -> None:
    assert forbidden(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_not(address: str) -> None:
    assert not forbidden(address)


def test_an_allowed_network_lets_its_addresses_through() -> None:
    allow = [ipaddress.ip_network("127.0.0.0/8")]
    assert not forbidden("127.0.0.1", allow)
    assert forbidden("10.0.0.1", allow)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.org/record.vtt", "Only http:// and https:// links"),
        ("file:///etc/passwd", "Only http:// and https:// links"),
        ("http://127.0.0.1:9/record.vtt", "127.0.0.1 is a private or local address"),
        ("http://[::1]:9/record.vtt", "::1 is a private or local address"),
        ("http://localhost:9/record.vtt", "localhost is a private or local address"),
    ],
)
def test_a_link_that_is_not_public_http_is_refused_before_any_request(url: str, why: str) -> None:
    with pytest.raises(DownloadError, match=why):
        asyncio.run(fetch(url, Limits.of(1000, 5.0)))
