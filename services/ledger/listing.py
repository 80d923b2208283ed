"""Keyset pages over company data: the token holds the last row's sort key, decoded and
checked here so a forged or foreign token is a clean INVALID_ARGUMENT, never a 500."""

from collections.abc import Callable
from typing import Any

from services.kernel import paging
from services.kernel.errors import InvalidArgument


def position(token: str, *convert: Callable[[str], Any]) -> tuple | None:
    """The sort key encoded in `token` (None for the first page), each part converted."""
    parts = paging.decode_token(token)
    if parts is None:
        return None
    try:
        if len(parts) != len(convert):
            raise ValueError
        return tuple(c(p) for c, p in zip(convert, parts, strict=True))
    except ValueError:
        raise InvalidArgument.field("page_token", "is not a token from a previous page of this list") from None


def page(rows: list, size: int, key: Callable[[Any], tuple]) -> tuple[list, str]:
    """The page (rows were fetched with limit size + 1) and the next page's token."""
    if len(rows) > size:
        return rows[:size], paging.encode_token(*(str(k) for k in key(rows[size - 1])))
    return rows, ""
