"""List pagination (AIP-158): page_size 0 means the default, larger values are capped, and
page_token is opaque to clients: it encodes where the previous page ended (keyset), not an
offset, so pages stay stable while rows are added."""

import base64
import binascii
import json

from services.kernel.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    return DEFAULT_PAGE_SIZE if requested <= 0 else min(requested, MAX_PAGE_SIZE)


def encode_token(*position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(["v1", *position]).encode()).decode().rstrip("=")


def decode_token(token: str) -> list[str] | None:
    """The position encoded by `encode_token`, or None for the first page."""
    if not token:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(decoded, list) and decoded[:1] == ["v1"] and all(isinstance(v, str) for v in decoded):
            return decoded[1:]
    except (ValueError, binascii.Error):
        pass
    raise InvalidArgument.field("page_token", "is not a token from a previous page of this list")
