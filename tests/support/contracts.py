"""The REST routes the contracts declare, for tests that must cover every one of them."""

import re
import uuid

from services.kernel.interceptors import access_rule
from services.kernel.registry import SERVICES, grpc_services
from services.mesh.routes import Route, rest_routes

_VARIABLE = re.compile(r"\{([^}=]+)\}")
# Values for path variables that are not ids.
_SAMPLES = {"period": "202503", "file_name": "DEKLAR.TXT", "q": "a"}


def company_routes() -> list[Route]:
    """Every REST route of an RPC whose access rule names a company field (internal RPCs have
    no route: the edge refuses them whoever calls)."""
    return [
        route
        for service in SERVICES
        for grpc_service in grpc_services(service)
        for route in rest_routes(grpc_service)
        if access_rule(f"/{grpc_service.full_name}/{route.method.name}").company_field
    ]


def request_for(route: Route, company_id: str, ids: dict[str, str] | None = None, body: dict | None = None) -> dict:
    """httpx.request keyword arguments calling `route` for `company_id`: path variables from
    `ids` (by name), else a sample value or a fresh UUID; the company id in the path, else in
    the JSON body or the query; `body` (default {}) as the JSON body when the route takes one."""
    values = {"company_id": company_id, **(ids or {})}
    path = _VARIABLE.sub(lambda m: values.get(m.group(1)) or _SAMPLES.get(m.group(1)) or str(uuid.uuid4()), route.template)
    request: dict = {"method": route.verb, "url": path}
    json_body = dict(body or {}) if route.body else None
    company_field = access_rule(f"/{route.method.containing_service.full_name}/{route.method.name}").company_field
    if company_field not in route.path_fields:
        if route.body == "*":
            json_body = {**(json_body or {}), company_field: company_id}
        else:
            request["params"] = {company_field: company_id}
    if json_body is not None:
        request["json"] = json_body
    return request
