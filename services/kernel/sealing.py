"""Secrets a service must keep for later use (a company's API key for a third-party service)
are stored sealed: encrypted with Fernet under a key derived from BARABA_SEALING_KEY. The
service refuses to start in production without it; a development default keeps local use simple.

    azure_key: Mapped[str] = mapped_column(SealedText, default="")   # in a model
    sealing.configure(settings)                                        # at start-up
"""

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.types import Text, TypeDecorator

from services.kernel.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "sealed:v1:"
DEVELOPMENT_KEY = "development only: set BARABA_SEALING_KEY"
_fernet: Fernet | None = None


def configure(settings: Settings) -> None:
    global _fernet
    passphrase = settings.require_secret("BARABA_SEALING_KEY", DEVELOPMENT_KEY)
    key = hashlib.scrypt(passphrase.encode(), salt=b"baraba-sealing-v1", n=2**14, r=8, p=1, dklen=32)
    _fernet = Fernet(base64.urlsafe_b64encode(key))


def _sealer() -> Fernet:
    if _fernet is None:
        raise RuntimeError("sealing.configure(settings) was not called at start-up")
    return _fernet


class SealedText(TypeDecorator):
    """A text column whose values are encrypted in the database and plain in Python."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str:
        return PREFIX + _sealer().encrypt(value.encode()).decode() if value else ""

    def process_result_value(self, value: str | None, dialect) -> str:
        if not value:
            return ""
        if not value.startswith(PREFIX):  # stored before sealing existed; sealed on next write
            return value
        try:
            return _sealer().decrypt(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            log.warning("a sealed value cannot be opened with the current BARABA_SEALING_KEY; it must be set again")
            return ""
