"""The OpenAPI 3 document of the REST API, generated from the contracts (`make gen` writes
gen/openapi.json; the edge serves it at /api/openapi.json without a token).

Everything follows what the edge's transcoder does with the same contracts: a route per
google.api.http binding (additional bindings included), path variables from the template, the
body from `body` ("*": the request's other fields; a field: that field's message), every other
field of a body-less request as a query parameter (nested messages as dotted names), JSON
names as the contract spells them (snake_case), 64-bit integers and bytes as strings, enums by
name, HttpBody as raw content. The validate.rules OpenAPI can express become constraints, and
unknown fields are not allowed (the edge refuses them). Errors are google.rpc.Status."""

import json
import re

from baraba.access.v1 import access_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from validate import validate_pb2

from services.mesh.routes import HTTP_BODY, Route, is_map, rest_routes

PATH = "/api/openapi.json"
_VARIABLE = re.compile(r"\{([^}=]+)(?:=[^}]*)?\}")
_F = FieldDescriptor
_INT32 = {_F.TYPE_INT32, _F.TYPE_SINT32, _F.TYPE_SFIXED32}
_UINT32 = {_F.TYPE_UINT32, _F.TYPE_FIXED32}
_INT64 = {_F.TYPE_INT64, _F.TYPE_SINT64, _F.TYPE_SFIXED64, _F.TYPE_UINT64, _F.TYPE_FIXED64}
_STATUS = {
    "type": "object",
    "description": "google.rpc.Status: `code` is the gRPC code; the HTTP status follows it",
    "properties": {
        "code": {"type": "integer", "format": "int32"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {"@type": {"type": "string"}}}},
    },
    "required": ["code", "message"],
}
_RAW = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
# A file answered as it is (JSON keys, a text file, a zip): any content.
_RAW_ANSWER: dict = {"*/*": {"schema": {}}}


def render(descriptor_set: bytes) -> str:
    return json.dumps(document(descriptor_set), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def document(descriptor_set: bytes) -> dict:
    pool = descriptor_pool.DescriptorPool()
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file
    for file in files:
        pool.Add(file)
    schemas: dict[str, dict] = {"google.rpc.Status": _STATUS}
    paths: dict[str, dict] = {}
    for file in files:
        if not file.package.startswith("baraba.") or file.package == "baraba.access.v1":
            continue
        for service in pool.FindFileByName(file.name).services_by_name.values():
            for number, route in enumerate(rest_routes(service)):
                template = _VARIABLE.sub(r"{\1}", route.template)
                operation = _operation(route, schemas)
                operation["operationId"] += f"_{number}" if number and _is_extra(route, service) else ""
                paths.setdefault(template, {})[route.verb.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": "Baraba mesh", "version": "v1", "description": "Generated from the Protobuf contracts in proto/."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": dict(sorted(schemas.items())),
        },
    }


def _is_extra(route: Route, service) -> bool:
    """Whether this binding is not the method's first (operation ids must be unique)."""
    first = next(r for r in rest_routes(service) if r.method is route.method)
    return first is not route


def _operation(route: Route, schemas: dict) -> dict:
    method = route.method
    operation: dict = {
        "operationId": f"{method.containing_service.name}_{method.name}",
        "tags": [method.containing_service.full_name],
        "parameters": [],
        "responses": {
            "200": _response(method.output_type, schemas, streamed=method.server_streaming),
            "default": {"description": "an error", "content": {"application/json": {"schema": _ref("google.rpc.Status")}}},
        },
    }
    if method.GetOptions().Extensions[access_pb2.access].public:  # type: ignore[index]
        operation["security"] = []
    path_fields = route.path_fields
    for name in path_fields:
        field = _field_at(method.input_type, name)
        operation["parameters"].append({"name": name, "in": "path", "required": True, "schema": _scalar(field)})
    if route.body == "*":
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _body(method.input_type, path_fields, schemas)}},
        }
    elif route.body:
        body_field = method.input_type.fields_by_name[route.body]
        if body_field.message_type is not None and body_field.message_type.full_name == HTTP_BODY:
            operation["requestBody"] = {"required": True, "content": _RAW}
        else:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema(body_field, schemas)}}}
    if route.body != "*":
        skip = {route.body, *(name.split(".")[0] for name in path_fields)}
        operation["parameters"] += _query(method.input_type, "", skip, schemas)
    return operation


def _response(message: Descriptor, schemas: dict, streamed: bool) -> dict:
    if message.full_name == HTTP_BODY:
        return {"description": "the file", "content": _RAW_ANSWER}
    schema = _message(message, schemas)
    if streamed:
        schema = {"type": "array", "items": schema}
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _field_at(message: Descriptor, dotted: str) -> FieldDescriptor:
    *parents, last = dotted.split(".")
    for name in parents:
        message = _message_of(message.fields_by_name[name])
    return message.fields_by_name[last]


def _message_of(field: FieldDescriptor) -> Descriptor:
    if field.message_type is None:
        raise ValueError(f"{field.full_name} is not a message")
    return field.message_type


def _query(message: Descriptor, prefix: str, skip: set[str], schemas: dict, depth: int = 0) -> list[dict]:
    out = []
    for field in message.fields:
        if field.name in skip:
            continue
        name = prefix + field.name
        if field.message_type is not None:
            if not is_map(field) and not field.is_repeated and depth < 3 and field.message_type.full_name != "google.protobuf.Timestamp":
                out += _query(field.message_type, name + ".", set(), schemas, depth + 1)
            continue
        schema = _scalar(field)
        if field.is_repeated:
            schema = {"type": "array", "items": schema}
        out.append({"name": name, "in": "query", "required": False, "schema": schema})
    return out


def _body(message: Descriptor, path_fields: list[str], schemas: dict) -> dict:
    """The request message without the fields the path carries."""
    if not path_fields:
        return _message(message, schemas)
    schema = json.loads(json.dumps(_message_schema(message, schemas)))
    for name in path_fields:
        schema["properties"].pop(name.split(".")[0], None)
    if "required" in schema:
        schema["required"] = [n for n in schema["required"] if n in schema["properties"]] or None
        if schema["required"] is None:
            del schema["required"]
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _message(message: Descriptor, schemas: dict) -> dict:
    if message.full_name == "google.protobuf.Timestamp":
        return {"type": "string", "format": "date-time"}
    if message.full_name == "google.protobuf.Empty":
        return {"type": "object", "additionalProperties": False}
    if message.full_name not in schemas:
        schemas[message.full_name] = {}  # placeholder: messages may refer to themselves
        schemas[message.full_name] = _message_schema(message, schemas)
    return _ref(message.full_name)


def _message_schema(message: Descriptor, schemas: dict) -> dict:
    properties = {field.name: _schema(field, schemas) for field in message.fields}
    required = [f.name for f in message.fields if (rules := _rules(f)) is not None and rules.message.required]
    schema: dict = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _schema(field: FieldDescriptor, schemas: dict) -> dict:
    if is_map(field):
        value = _message_of(field).fields_by_name["value"]
        return {"type": "object", "additionalProperties": _schema(value, schemas)}
    item = _message(field.message_type, schemas) if field.message_type is not None else _scalar(field)
    if not field.is_repeated:
        return item
    schema: dict = {"type": "array", "items": item}
    rules = _rules(field)
    if rules is not None and rules.WhichOneof("type") == "repeated":
        if rules.repeated.HasField("min_items"):
            schema["minItems"] = rules.repeated.min_items
        if rules.repeated.HasField("max_items"):
            schema["maxItems"] = rules.repeated.max_items
    return schema


def _rules(field: FieldDescriptor) -> validate_pb2.FieldRules | None:
    options = field.GetOptions()
    rules = validate_pb2.rules
    return options.Extensions[rules] if options.HasExtension(rules) else None  # type: ignore[index, arg-type]


def _scalar(field: FieldDescriptor) -> dict:
    kind = field.type
    schema: dict
    if kind == _F.TYPE_STRING:
        schema = {"type": "string"}
    elif kind == _F.TYPE_BYTES:
        schema = {"type": "string", "format": "byte"}
    elif kind == _F.TYPE_BOOL:
        schema = {"type": "boolean"}
    elif kind in _INT32:
        schema = {"type": "integer", "format": "int32"}
    elif kind in _UINT32:
        schema = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1}
    elif kind in _INT64:
        schema = {"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"}
    elif kind in (_F.TYPE_DOUBLE, _F.TYPE_FLOAT):
        schema = {"type": "number"}
    elif kind == _F.TYPE_ENUM and field.enum_type is not None:
        schema = {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    else:
        raise ValueError(f"{field.full_name}: no OpenAPI form for type {kind}")
    rules = _rules(field)
    if rules is not None:
        _constrain(schema, rules, kind)
    return schema


def _constrain(schema: dict, rules: validate_pb2.FieldRules, kind: int) -> None:
    which = rules.WhichOneof("type")
    if which == "string":
        r = rules.string
        if r.ignore_empty:
            return  # "" is allowed besides what the rules say: OpenAPI cannot say "either"
        if r.HasField("len"):
            schema["minLength"] = schema["maxLength"] = r.len
        if r.HasField("min_len"):
            schema["minLength"] = r.min_len
        if r.HasField("max_len"):
            schema["maxLength"] = r.max_len
        if r.HasField("pattern"):
            schema["pattern"] = r.pattern
        if r.uuid:
            schema["format"] = "uuid"
        if r.email:
            schema["format"] = "email"
        if getattr(r, "in"):
            schema["enum"] = list(getattr(r, "in"))
    elif which in ("int32", "int64", "uint32", "uint64", "sint32", "sint64", "double", "float") and kind not in _INT64:
        r = getattr(rules, which)
        if r.ignore_empty:
            return
        if r.HasField("gte"):
            schema["minimum"] = r.gte
        if r.HasField("gt"):
            schema["minimum"], schema["exclusiveMinimum"] = r.gt, True
        if r.HasField("lte"):
            schema["maximum"] = r.lte
        if r.HasField("lt"):
            schema["maximum"], schema["exclusiveMaximum"] = r.lt, True
        if getattr(r, "in"):
            schema["enum"] = list(getattr(r, "in"))
