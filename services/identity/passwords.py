"""Which new passwords are refused: shorter than the contract's minimum (checked there), among
the 30,000 most common passwords (the frequency list the zxcvbn package ships, offline; also
with digits or symbols appended, "dragon2024!"), or the account's own username or e-mail."""

import re
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from services.kernel.errors import InvalidArgument

# A common word counts with characters added at the end only if it is this long: "abc" + "…"
# would refuse too much.
_MIN_STEM = 5
_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def weakness(password: str, *names: str) -> str | None:
    """Why the password is refused, or None."""
    lowered = password.lower()
    if any(name and lowered == name.lower() for name in names):
        return "must not be your username or e-mail address"
    stem = _TRAILING.sub("", lowered)
    if lowered in common_passwords() or (len(stem) >= _MIN_STEM and stem in common_passwords()):
        return "is one of the most common passwords; choose one that is harder to guess"
    return None


def require_strong(field: str, password: str, *names: str) -> None:
    """INVALID_ARGUMENT naming `field` when the password is refused."""
    if reason := weakness(password, *names):
        raise InvalidArgument.field(field, reason)
