"""The REST routes the contracts declare (google.api.http, additional bindings included), read
once for everything that must agree with the transcoder: the edge's unknown-field check and the
OpenAPI document."""

import re
from dataclasses import dataclass

from google.api import annotations_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

HTTP_BODY = "google.api.HttpBody"
_VARIABLE = re.compile(r"\{([^}=]+)(?:=([^}]*))?\}")


@dataclass(frozen=True)
class Route:
    verb: str  # GET, POST, PUT, PATCH, DELETE
    template: str  # /api/companies/{company_id}
    body: str  # "", "*" or a field name of the request
    method: MethodDescriptor

    @property
    def path_fields(self) -> list[str]:
        return [m.group(1) for m in _VARIABLE.finditer(self.template)]

    @property
    def body_type(self) -> Descriptor | None:
        """The message the JSON body is read into, None when there is no JSON object to read
        (no body, a raw HttpBody, or a body field that is not a message)."""
        if not self.body:
            return None
        message: Descriptor | None
        if self.body == "*":
            message = self.method.input_type
        else:
            field = self.method.input_type.fields_by_name[self.body]
            message = field.message_type
        if message is None or message.full_name == HTTP_BODY or message.GetOptions().map_entry:
            return None
        return message

    @property
    def literal_segments(self) -> int:
        return sum(1 for part in self.template.split("/") if part and "{" not in part)


def rest_routes(grpc_service) -> list[Route]:
    routes = []
    for method in grpc_service.methods:
        rule = method.GetOptions().Extensions[annotations_pb2.http]
        for binding in [rule, *rule.additional_bindings]:
            pattern = binding.WhichOneof("pattern")
            if pattern is None:
                continue
            if pattern == "custom":
                verb, template = binding.custom.kind.upper(), binding.custom.path
            else:
                verb, template = pattern.upper(), getattr(binding, pattern)
            routes.append(Route(verb, template, binding.body, method))
    return routes


def is_well_known(message: Descriptor) -> bool:
    """Timestamp, wrappers, Struct...: their JSON form is not their fields."""
    return message.full_name.startswith("google.protobuf.")


def is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry
