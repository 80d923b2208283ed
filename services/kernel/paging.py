"""List pagination (AIP-158): page_size 0 means the default, larger values are capped, and
page_token is opaque to clients: it encodes where the previous page ended (keyset), not an
offset, so pages stay stable while rows are added. A forged or foreign token is a clean
INVALID_ARGUMENT, never a 500: decoding converts every part or refuses the token."""

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from services.kernel.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    return DEFAULT_PAGE_SIZE if requested <= 0 else min(requested, MAX_PAGE_SIZE)


def encode_token(*position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(["v1", *map(str, position)]).encode()).decode().rstrip("=")


def decode_token(token: str, *convert: Callable[[str], Any]) -> tuple | None:
    """The position encoded by `encode_token`, each part passed through its converter (str,
    int, uuid.UUID, datetime.fromisoformat ...), or None for the first page."""
    if not token:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(decoded, list) and decoded[:1] == ["v1"] and len(decoded) == len(convert) + 1:
            return tuple(c(p) for c, p in zip(convert, decoded[1:], strict=True))
    except (ValueError, TypeError, binascii.Error):
        pass
    raise InvalidArgument.field("page_token", "is not a token from a previous page of this list")


def next_page(rows: list, size: int, position: Callable[[Any], tuple]) -> tuple[list, str]:
    """The page (rows fetched with limit size + 1) and the next page's token ("" at the end)."""
    if len(rows) > size:
        return rows[:size], encode_token(*position(rows[size - 1]))
    return rows, ""
