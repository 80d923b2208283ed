"""Where the scanner may send a company's documents: a company's Azure endpoint is chosen by
its users, so without a check it could point the scanner at the mesh's own ports or the cloud's
metadata service (server-side request forgery). Only https to a host whose every address is
public passes, checked when the endpoint is set and again before every call (DNS answers can
change), redirects included. BARABA_SCANNER_AZURE_ALLOWED_HOSTS names host:port pairs exempt
from both rules (an on-premises container, a test stand-in)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from services.kernel.settings import env


class UnsafeEndpoint(ValueError):
    pass


def allowed_hosts() -> set[str]:
    return {h.strip().lower() for h in env("BARABA_SCANNER_AZURE_ALLOWED_HOSTS", "").split(",") if h.strip()}


def _parts(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeEndpoint("is not a valid URL") from None
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise UnsafeEndpoint("must be a URL with a host and no user name")
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def _exempt(host: str, port: int) -> bool:
    name = f"[{host}]" if ":" in host else host
    return f"{name}:{port}" in allowed_hosts()


def check_form(url: str) -> None:
    """The rules that need no DNS: https, a host, no credentials in the URL."""
    scheme, host, port = _parts(url)
    if not _exempt(host, port) and scheme != "https":
        raise UnsafeEndpoint("must be an https:// URL")


async def check(url: str) -> None:
    """Raises UnsafeEndpoint unless `url` is https to a host whose every address is public."""
    check_form(url)
    _, host, port = _parts(url)
    if _exempt(host, port):
        return
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise UnsafeEndpoint(f"host {host} does not resolve") from None
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise UnsafeEndpoint(f"host {host} has a non-public address ({ip}); only public hosts may be used")
