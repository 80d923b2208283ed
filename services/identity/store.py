"""Identity's database: users, groups, sessions with their refresh tokens, login throttling,
signing keys, user<->company grants and the revocations services poll."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

PERMISSION_FLAGS = ("manage_users", "manage_companies", "post_entries", "vat_returns", "scanning", "view_reports")


class Base(DeclarativeBase):
    pass


def _now_column():
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Group(Base):
    __tablename__ = "user_groups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    manage_users: Mapped[bool] = mapped_column(default=False)
    manage_companies: Mapped[bool] = mapped_column(default=False)
    post_entries: Mapped[bool] = mapped_column(default=False)
    vat_returns: Mapped[bool] = mapped_column(default=False)
    scanning: Mapped[bool] = mapped_column(default=False)
    view_reports: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = _now_column()

    def permissions(self) -> list[str]:
        return [flag for flag in PERMISSION_FLAGS if getattr(self, flag)]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("users_username_key", func.lower(text("username")), unique=True),
        Index("users_email_key", func.lower(text("email")), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Goes up when what the user may do changes; access tokens carry it as "ver", and a token
    # below the current version is void (see Revocation).
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_groups.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    group: Mapped[Group] = relationship(lazy="joined", innerjoin=True)


class Session(Base):
    """One sign-in: the family of refresh tokens rotated from it."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(50))


class RefreshToken(Base):
    """Only the SHA-256 of a refresh token is stored; a spent one stays to detect reuse."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = _now_column()
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Sign-in failures per username and client address, and per username over all addresses
    (address ""), whether or not the user exists (services/identity/throttle.py)."""

    __tablename__ = "login_throttle"

    username_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SigningKey(Base):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = _now_column()
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CompanyAccess(Base):
    __tablename__ = "company_access"
    __table_args__ = (
        Index("company_access_user_company_key", "user_id", "company_id", unique=True),
        Index("company_access_one_default", "user_id", unique=True, postgresql_where=text("is_default")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[uuid.UUID] = mapped_column(index=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now_column()

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class Revocation(Base):
    """Access tokens void before they expire, kept as long as an access token lives: a row with
    a session voids that session's tokens; a row with a version voids the user's tokens below
    it. No foreign key: the row must outlive a deleted user."""

    __tablename__ = "revocations"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column()
    session_id: Mapped[uuid.UUID | None] = mapped_column()
    version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
