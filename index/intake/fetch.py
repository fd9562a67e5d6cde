"""Fetch one article page over http(s), defensively.

A URL may come from a stranger (a Telegram admin can be phished), so every hop is
checked: http(s) only, no credentials, and by default no private, loopback or
link-local address (no reaching the host's own services or a cloud metadata
endpoint). The address that was checked is the one connected to (the host name
goes in the Host header and TLS SNI), so a DNS answer cannot change in between.
Redirects are followed by hand, a bounded number of times, each hop re-checked;
the body is streamed and abandoned past a size limit or a total deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from index.errors import SourceError

ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_BYTES = 10_000_000
MAX_REDIRECTS = 5
TIMEOUT = 10.0
USER_AGENT = "newsqa/0.1 (+article fetcher)"
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Fetched:
    """A downloaded page: the URL it finally came from, its media type and text."""

    url: str
    content_type: str
    text: str

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


@dataclass(frozen=True)
class _Target:
    """A checked URL and the one address it may be fetched from."""

    url: str
    host_header: str
    addresses: tuple[str, ...]
    port: int
    scheme: str
    host: str

    @property
    def address(self) -> str:
        return self.addresses[0]

    def pinned_url(self, address: str, path_and_query: str) -> str:
        ip = ipaddress.ip_address(address)
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{host}:{self.port}{path_and_query}"


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """Download an article page or raise one-line SourceError saying why not."""
    deadline = time.monotonic() + 3 * timeout
    current = url
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False,
                      headers={"User-Agent": USER_AGENT}) as client:
        for _hop in range(max_redirects + 1):
            target = check_url(current, allow_private=allow_private)
            result = _get(client, target, deadline, max_bytes)
            if isinstance(result, Fetched):
                return result
            current = urljoin(current, result)
    raise SourceError(f"{short(url)}: more than {max_redirects} redirects")


def check_url(url: str, *, allow_private: bool = False) -> _Target:
    """The URL's scheme, host and resolved address, or SourceError if refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SourceError(f"{short(url)}: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"{short(url)}: only http and https URLs can be added, not {scheme or 'this'}")
    if parts.username is not None or parts.password is not None:
        raise SourceError(f"{short(url)}: URLs with a user name or password are refused")
    host = parts.hostname
    if not host:
        raise SourceError(f"{short(url)}: the URL has no host")
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port) if allow_private else _public_addresses(host, port, url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return _Target(url, netloc, tuple(addresses), port, scheme, host)


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceError(f"{host}: cannot resolve the host name ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
    if not addresses:
        raise SourceError(f"{host}: the host name has no address")
    return addresses


def is_public(address: str) -> bool:
    """False for loopback, private, link-local, shared, reserved and multicast addresses."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


def _public_addresses(host: str, port: int, url: str) -> list[str]:
    """Refuse the host if any of its addresses is not public (a mixed answer is a trick)."""
    addresses = resolve(host, port)
    for address in addresses:
        if not is_public(address):
            raise SourceError(
                f"{short(url)}: {host} is a private or loopback address ({address}); refused "
                "(set NEWSQA_ALLOW_PRIVATE_URLS=1 for self-hosted sources)"
            )
    return addresses


def _get(client: httpx.Client, target: _Target, deadline: float, max_bytes: int) -> Fetched | str:
    """One request: a page, or the Location of a redirect."""
    name = short(target.url)
    response = _connect(client, target, name)
    try:
        if response.status_code in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise SourceError(f"{name}: a redirect without a Location")
            return location
        if response.status_code != 200:
            raise SourceError(f"{name}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
        media, charset = _content_type(response.headers.get("content-type", ""))
        if media not in ALLOWED_TYPES:
            raise SourceError(f"{name}: {media or 'no content type'} is not an article "
                              "(HTML or plain text only)")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise SourceError(f"{name}: {int(declared):,} bytes is over the {max_bytes:,}-byte limit")
        data = _read_limited(response, name, deadline, max_bytes)
    finally:
        response.close()
    return Fetched(str(target.url), media, _decode(data, charset))


def _connect(client: httpx.Client, target: _Target, name: str) -> httpx.Response:
    """Send the request to the checked addresses in turn, until one accepts the connection."""
    parts = urlsplit(target.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    failure = ""
    for address in target.addresses:
        request = client.build_request(
            "GET", target.pinned_url(address, path), headers={"Host": target.host_header},
            extensions={"sni_hostname": target.host},
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as exc:  # e.g. `localhost` answers on 127.0.0.1 but not ::1
            failure = _reason(exc)
        except httpx.TimeoutException:
            raise SourceError(f"{name}: the server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"{name}: cannot fetch ({_reason(exc)})") from None
    raise SourceError(f"{name}: cannot connect ({failure})")


def _read_limited(response: httpx.Response, name: str, deadline: float, max_bytes: int) -> bytes:
    """The body, stopping as soon as it passes `max_bytes` or the deadline."""
    body = bytearray()
    try:
        for piece in response.iter_bytes():
            body += piece
            if len(body) > max_bytes:
                raise SourceError(f"{name}: the page is over the {max_bytes:,}-byte limit; stopped reading")
            if time.monotonic() > deadline:
                raise SourceError(f"{name}: the server sends too slowly; gave up")
    except httpx.TimeoutException:
        raise SourceError(f"{name}: the server stopped sending in time") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"{name}: the download failed ({_reason(exc)})") from None
    return bytes(body)


def _content_type(header: str) -> tuple[str, str]:
    msg = Message()
    msg["content-type"] = header
    media = msg.get_content_type() if header.strip() else ""
    return media.lower(), str(msg.get_param("charset") or "").strip()


def _decode(data: bytes, charset: str) -> str:
    """The declared charset, else UTF-8, else cp1252 (what browsers assume)."""
    for encoding in (charset, "utf-8-sig"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return text[:200]


def short(url: str, limit: int = 120) -> str:
    """A URL fit for one line of output: no line breaks, no credentials, bounded."""
    try:
        parts = urlsplit(url)
        if parts.username or parts.password:
            url = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()
    except ValueError:
        pass
    flat = "".join(ch if ch.isprintable() else "?" for ch in url)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
