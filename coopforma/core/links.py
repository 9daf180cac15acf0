# SPDX-License-Identifier: AGPL-3.0-or-later
"""Absolute links to this installation, for what leaves the browser: e-mails, PDFs, QR codes, the audit pack."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_base() -> str:
    """SITE_URL without its final slash; refuses to guess when it is not set.

    SITE_URL defaults to http://127.0.0.1:8000 only with DEBUG on: in production a link to the local machine in
    an e-mail would be silently useless, so building one fails with a message saying what to set."""
    base = (settings.SITE_URL or "").strip().rstrip("/")
    if not base:
        raise ImproperlyConfigured(
            "SITE_URL n'est pas défini : indiquez l'adresse publique de Coopforma "
            "(par exemple SITE_URL=https://formation.example.coop) pour que les liens envoyés par e-mail, "
            "imprimés ou en QR code y mènent."
        )
    return base


def absolute_url(path: str) -> str:
    """`path` (from reverse()) on this installation's public address, SITE_URL."""
    return site_base() + path


def is_public_address(address: str) -> bool:
    """An IP address on the public Internet (not private, loopback, link-local, reserved or multicast; an IPv4
    mapped in IPv6 judged as IPv4): where the server may connect for a webhook or a subscribed feed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # type: ignore[union-attr]
        ip = ip.ipv4_mapped  # type: ignore[union-attr]
    return ip.is_global and not ip.is_multicast
