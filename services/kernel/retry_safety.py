"""Which calls may be sent again after UNAVAILABLE or a reset, read from the contracts. A retry
of a call that did reach the server runs it twice, so only these are retried:

- reads: an HTTP GET binding, `option idempotency_level = NO_SIDE_EFFECTS` (or IDEMPOTENT),
  or one of INTERNAL_READS (RPCs the edge does not publish, released before they could be
  marked: adding the option now is a change `buf breaking` refuses);
- creates whose request has a `request_id` field, and only when the request carries one: the
  service answers a repeated request_id with the first answer instead of creating again.

Everything else (a create without request_id, an update, a delete, a login) is never retried:
the caller sees the error and decides."""

from google.api import annotations_pb2
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions

READ = "read"
WITH_REQUEST_ID = "with_request_id"
REQUEST_ID_FIELD = "request_id"
INTERNAL_READS = {
    "baraba.identity.v1.CompanyAccessService.CheckCompanyAccess",
    "baraba.identity.v1.CompanyAccessService.ListMyCompanies",
    "baraba.ledger.v1.JournalEntryService.StreamVatEntries",
}


def retry_safety(method: MethodDescriptor) -> str | None:
    options = method.GetOptions()
    if options.Extensions[annotations_pb2.http].WhichOneof("pattern") == "get":
        return READ
    if options.idempotency_level in (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT) or method.full_name in INTERNAL_READS:
        return READ
    if REQUEST_ID_FIELD in method.input_type.fields_by_name:
        return WITH_REQUEST_ID
    return None
