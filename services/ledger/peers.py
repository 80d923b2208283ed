"""What the ledger asks other services, over their typed stubs with the caller's token:
identity for company grants, vies for VAT number checks. Their failures become errors that
say which service failed and what happened to the request."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
from baraba.identity.v1 import identity_pb2, identity_pb2_grpc
from baraba.vies.v1 import vies_pb2, vies_pb2_grpc

from services.kernel import clients
from services.kernel.errors import AlreadyExists, InvalidArgument, PermissionDenied, ServiceError, Unavailable

log = logging.getLogger(__name__)

_UNREACHABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}


@dataclass(frozen=True)
class VatCheck:
    country_code: str
    valid: bool
    name: str
    address: str
    checked_at: datetime | None


def _error(service: str, exc: grpc.aio.AioRpcError, consequence: str) -> ServiceError:
    code, details = exc.code(), exc.details() or ""
    if code in _UNREACHABLE:
        return Unavailable(
            f"the {service} service is unavailable ({details or code.name}); {consequence}", reason=f"{service.upper()}_UNAVAILABLE"
        )
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(f"{service}: {details}")
    if code == grpc.StatusCode.ALREADY_EXISTS:
        return AlreadyExists(f"{service}: {details}")
    return Unavailable(f"the {service} service failed ({code.name}: {details}); {consequence}", reason=f"{service.upper()}_FAILED")


class Peers:
    async def my_company_ids(self) -> list[uuid.UUID]:
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        try:
            reply = await stub.ListMyCompanies(identity_pb2.ListMyCompaniesRequest(), **clients.call_options())
        except grpc.aio.AioRpcError as exc:
            raise _error("identity", exc, "your companies cannot be listed now") from None
        return [uuid.UUID(grant.company_id) for grant in reply.grants]

    async def claim_company(self, company_id: uuid.UUID) -> None:
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        try:
            await stub.ClaimCompany(identity_pb2.ClaimCompanyRequest(company_id=str(company_id)), **clients.call_options())
        except grpc.aio.AioRpcError as exc:
            raise _error("identity", exc, "the company was not created") from None

    async def release_company(self, company_id: uuid.UUID) -> None:
        """Best effort, after the company is gone: a grant left behind leads nowhere."""
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        try:
            await stub.ReleaseCompany(identity_pb2.ReleaseCompanyRequest(company_id=str(company_id)), **clients.call_options())
        except grpc.aio.AioRpcError as exc:
            log.warning("the grants of a deleted company stay in identity", extra={"company_id": str(company_id), "code": exc.code().name})

    async def check_vat(self, vat_number: str) -> VatCheck:
        stub = clients.stub(vies_pb2_grpc.ViesServiceStub, "vies")
        try:
            reply = await stub.CheckVatNumber(vies_pb2.CheckVatNumberRequest(vat_number=vat_number), **clients.call_options(timeout=15))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise InvalidArgument.field("vat_number", exc.details() or "is not a valid VAT number") from None
            raise _error("vies", exc, "the VAT number was not checked and nothing was changed") from None
        checked_at = reply.checked_at.ToDatetime(tzinfo=UTC) if reply.HasField("checked_at") else None
        return VatCheck(reply.country_code, reply.valid, reply.name, reply.address, checked_at)
