"""Company isolation for company-scoped RPCs: the caller must hold a grant for the company
in identity. Only positive answers are cached, briefly, so a new grant works at once and a
revoked one stops working within CACHE_SECONDS."""

import time

import grpc
from baraba.identity.v1 import identity_pb2, identity_pb2_grpc

from services.kernel import clients
from services.kernel.auth import current_caller
from services.kernel.errors import PermissionDenied, Unauthenticated, Unavailable

CACHE_SECONDS = 10.0
_allowed_until: dict[tuple[str, str], float] = {}


async def require_company_access(company_id: str) -> None:
    """Raises PERMISSION_DENIED unless the caller may work on `company_id`. The answer is the
    same whether or not the company exists, so ids cannot be probed."""
    caller = current_caller()
    key = (caller.user_id, company_id)
    if _allowed_until.get(key, 0) > time.monotonic():
        return
    stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
    try:
        reply = await stub.CheckCompanyAccess(identity_pb2.CheckCompanyAccessRequest(company_id=company_id), **clients.call_options())
    except grpc.aio.AioRpcError as exc:
        # Identity refuses a session that has just ended before this service has heard of it:
        # that is the caller's 401, not this service's failure.
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            raise Unauthenticated(exc.details() or "your session has ended; sign in again", reason="SESSION_ENDED") from None
        raise Unavailable("company access cannot be checked now; retry the request", reason="IDENTITY_UNAVAILABLE") from None
    if not reply.allowed:
        raise PermissionDenied(f"you have no access to company {company_id}", reason="NO_COMPANY_ACCESS")
    if len(_allowed_until) > 10_000:
        _allowed_until.clear()
    _allowed_until[key] = time.monotonic() + CACHE_SECONDS
