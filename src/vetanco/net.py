"""Outgoing-URL guard against SSRF: http(s) only, and never to private or metadata addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class UnsafeURL(ValueError):
    """The URL may not be called from the server."""


def _blocked(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Returns the URL unchanged or raises UnsafeURL with a Spanish reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("la URL debe empezar con http:// o https://")
    host = parts.hostname
    if not host:
        raise UnsafeURL("la URL no tiene host")
    if parts.username or parts.password:
        raise UnsafeURL("la URL no puede llevar usuario ni contraseña")
    if allow_private:
        return url
    if host.lower() in METADATA_HOSTS:
        raise UnsafeURL("el host apunta a un servicio de metadatos")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURL("puerto inválido") from exc
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(f"no se pudo resolver el host {host}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if _blocked(address):
            raise UnsafeURL(f"el host {host} resuelve a una dirección interna ({address})")
    return url
