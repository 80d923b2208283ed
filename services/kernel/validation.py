"""Checks request messages against the rules declared in the contract with
protoc-gen-validate's `validate.rules` field options, and reports every broken rule with the
field's path (e.g. "user.email"), so one answer tells a person everything to fix.

We read the options ourselves instead of using PGV's Python validator, which compiles code
with exec at run time and reports plain strings without field paths. Rules this module does
not understand make `check_supported` fail at server start, so no rule is silently skipped.

Two rules hold for every field whether the contract says so or not: a string never contains
NUL (PostgreSQL cannot store it), and a request whose bytes do not decode (bad UTF-8 in a
string, a corrupt wire format) is refused naming the field (`undecodable_field`).
"""

import re
from collections.abc import Callable
from functools import cache

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from validate import validate_pb2

from services.kernel.errors import FieldViolation

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")

_STRING_RULES = {"min_len", "max_len", "len", "pattern", "email", "uuid", "in", "not_in", "ignore_empty", "prefix"}
_NUMBER_RULES = {"const", "lt", "lte", "gt", "gte", "in", "not_in", "ignore_empty"}
_NUMBER_KINDS = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "double", "float"}
_REPEATED_RULES = {"min_items", "max_items", "items", "ignore_empty"}


def validate(message: Message) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    _check_message(message, "", violations)
    return violations


def check_supported(descriptor: Descriptor, seen: set[str] | None = None) -> None:
    """Raises ValueError for any rule (in this message or those it contains) we cannot check."""
    seen = set() if seen is None else seen
    if descriptor.full_name in seen:
        return
    seen.add(descriptor.full_name)
    for field in descriptor.fields:
        rules = _rules(field)
        if rules is not None:
            _supported_rules(field, rules)
        if field.message_type is not None and not field.message_type.GetOptions().map_entry:
            check_supported(field.message_type, seen)


def _supported_rules(field: FieldDescriptor, rules: validate_pb2.FieldRules) -> None:
    kind = rules.WhichOneof("type")
    allowed = {"string": _STRING_RULES, "repeated": _REPEATED_RULES, "enum": {"defined_only", "in", "not_in"}}
    allowed.update(dict.fromkeys(_NUMBER_KINDS, _NUMBER_RULES))
    if kind is None:
        return
    if kind not in allowed:
        raise ValueError(f"{field.full_name}: validate rules of type {kind} are not supported")
    set_names = {f.name for f, _ in getattr(rules, kind).ListFields()}
    if unknown := set_names - allowed[kind]:
        raise ValueError(f"{field.full_name}: unsupported validate rules {sorted(unknown)}")
    if kind == "repeated" and rules.repeated.HasField("items"):
        _supported_rules(field, rules.repeated.items)


@cache
def is_uuid(value: str) -> bool:
    """What a field with the uuid rule accepts."""
    return bool(_UUID.match(value))


def is_uuid_field(field: FieldDescriptor) -> bool:
    rules = _rules(field)
    return rules is not None and rules.WhichOneof("type") == "string" and rules.string.uuid


def _rules(field: FieldDescriptor) -> validate_pb2.FieldRules | None:
    options = field.GetOptions()
    # gen/'s stubs type an extension as a plain FieldDescriptor, which protobuf's stubs refuse here
    rules = validate_pb2.rules
    return options.Extensions[rules] if options.HasExtension(rules) else None  # type: ignore[index, arg-type]


class _StringRules:
    """StringRules read once into plain attributes (None where unset): reading a protobuf
    field costs more than the check itself."""

    def __init__(self, r: validate_pb2.StringRules):
        self.ignore_empty = r.ignore_empty
        self.len = r.len if r.HasField("len") else None
        self.min_len = r.min_len if r.HasField("min_len") else None
        self.max_len = r.max_len if r.HasField("max_len") else None
        self.prefix = r.prefix if r.HasField("prefix") else None
        self.pattern = r.pattern if r.HasField("pattern") else None
        self.regex = re.compile(r.pattern) if r.HasField("pattern") else None
        self.email, self.uuid = r.email, r.uuid
        self.in_, self.not_in = tuple(getattr(r, "in")), frozenset(r.not_in)
        # The common case, a value that keeps every rule, in as few steps as possible: its
        # length within [shortest, longest], then only the checks the field has.
        self.shortest = max(r.min_len if r.HasField("min_len") else 0, r.len if r.HasField("len") else 0)
        self.longest = min(r.max_len if r.HasField("max_len") else 2**63, r.len if r.HasField("len") else 2**63)
        checks: list[Callable[[str], bool]] = []
        prefix, regex, allowed, refused = self.prefix, self.regex, self.in_, self.not_in
        if prefix is not None:
            checks.append(lambda value: value.startswith(prefix))
        if regex is not None:
            checks.append(lambda value: regex.search(value) is not None)
        if self.email:
            checks.append(lambda value: _EMAIL.match(value) is not None)
        if self.uuid:
            checks.append(lambda value: _UUID.match(value) is not None)
        if allowed:
            checks.append(lambda value: value in allowed)
        if refused:
            checks.append(lambda value: value not in refused)
        self.checks = tuple(checks)

    def accepts(self, value: str) -> bool:
        if self.ignore_empty and value == "":
            return True
        if not self.shortest <= len(value) <= self.longest:
            return False
        for check in self.checks:  # noqa: SIM110 - a plain loop: all() over a generator costs more per field
            if not check(value):
                return False
        return True


# (field, name, rules, is_repeated, is_message, has_presence, string rules if a string field,
#  what may hold text: _TEXT, _MAP or None)
_FieldPlan = tuple[FieldDescriptor, str, validate_pb2.FieldRules | None, bool, bool, bool, _StringRules | None, int | None]
_TEXT, _MAP = 1, 2
_NUL = "\x00"


@cache
def _plan(descriptor: Descriptor) -> tuple[_FieldPlan, ...]:
    """What checking a message of this type needs to know of each field, worked out once: every
    RPC runs through here. Fields without rules that hold no message and no text are left out."""
    plan = []
    for field in descriptor.fields:
        rules = _rules(field)
        is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
        is_message = field.message_type is not None and not is_map
        text = (
            _MAP
            if is_map and field.message_type and _map_holds_text(field.message_type)
            else _TEXT
            if field.type == FieldDescriptor.TYPE_STRING
            else None
        )
        if rules is not None or is_message or text:
            strings = _StringRules(rules.string) if rules is not None and rules.WhichOneof("type") == "string" else None
            plan.append((field, field.name, rules, field.is_repeated, is_message, field.has_presence, strings, text))
    return tuple(plan)


def _map_holds_text(entry: Descriptor) -> bool:
    key, value = entry.fields_by_name["key"], entry.fields_by_name["value"]
    return key.type == FieldDescriptor.TYPE_STRING or value.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_MESSAGE)


def _check_message(message: Message, prefix: str, out: list[FieldViolation]) -> None:
    for field, name, rules, is_repeated, is_message, has_presence, strings, text in _plan(message.DESCRIPTOR):
        if text == _MAP:
            _check_map(getattr(message, name), prefix + name, out)
            continue
        if is_repeated:
            path = prefix + name
            values = getattr(message, name)
            if text == _TEXT:
                for i, item in enumerate(values):
                    if _NUL in item:
                        out.append(FieldViolation(f"{path}[{i}]", "must not contain NUL characters"))
            if rules is not None:
                _check_repeated(values, rules, path, out)
            if is_message:
                for i, item in enumerate(values):
                    _check_message(item, f"{path}[{i}].", out)
            continue
        if has_presence and not message.HasField(name):
            if rules is not None and rules.message.required:
                out.append(FieldViolation(prefix + name, "is required"))
            continue
        value = getattr(message, name)
        if text == _TEXT and _NUL in value:
            out.append(FieldViolation(prefix + name, "must not contain NUL characters"))
        if strings is not None:
            if not strings.accepts(value):  # the path is only built for a field to report
                _check_string(value, strings, prefix + name, out)
        elif rules is not None:
            _check_value(value, field, rules, prefix + name, out)
        if is_message:
            _check_message(value, prefix + name + ".", out)


def _check_map(values, path: str, out: list[FieldViolation]) -> None:
    for key, value in values.items():
        if isinstance(key, str) and _NUL in key:
            out.append(FieldViolation(path, "keys must not contain NUL characters"))
        if isinstance(value, str):
            if _NUL in value:
                out.append(FieldViolation(f"{path}[{key!r}]", "must not contain NUL characters"))
        elif isinstance(value, Message):
            _check_message(value, f"{path}[{key!r}].", out)


def undecodable_field(descriptor: Descriptor, data: bytes, prefix: str = "") -> str | None:
    """The path of the first field whose bytes do not decode as the contract says (bad UTF-8 in
    a string, a truncated or corrupt value), or None when no single field is to blame."""
    pos, end = 0, len(data)
    path = prefix.rstrip(".")
    try:
        while pos < end:
            tag, pos = _varint(data, pos)
            field = descriptor.fields_by_number.get(tag >> 3)
            path = prefix + (field.name if field is not None else f"#{tag >> 3}")
            wire_type = tag & 7
            if wire_type == 0:
                _, pos = _varint(data, pos)
            elif wire_type in (1, 5):
                pos += 8 if wire_type == 1 else 4
            elif wire_type == 2:
                length, pos = _varint(data, pos)
                chunk, pos = data[pos : pos + length], pos + length
                if pos > end:
                    return path
                if field is None:
                    continue
                if field.type == FieldDescriptor.TYPE_STRING:
                    chunk.decode("utf-8")
                elif field.message_type is not None and (found := undecodable_field(field.message_type, chunk, path + ".")):
                    return found
            else:  # groups: none in our contracts
                return path
            if pos > end:
                return path
    except UnicodeDecodeError:
        return path
    except IndexError:
        return path or None
    return None


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _check_repeated(values, rules: validate_pb2.FieldRules, path: str, out: list[FieldViolation]) -> None:
    if rules.WhichOneof("type") != "repeated":
        return
    r = rules.repeated
    if r.ignore_empty and len(values) == 0:
        return
    if r.HasField("min_items") and len(values) < r.min_items:
        out.append(FieldViolation(path, f"must have at least {r.min_items} item(s)"))
    if r.HasField("max_items") and len(values) > r.max_items:
        out.append(FieldViolation(path, f"must have at most {r.max_items} item(s)"))
    if r.HasField("items"):
        for i, value in enumerate(values):
            _check_value(value, None, r.items, f"{path}[{i}]", out)


def _check_value(value, field, rules: validate_pb2.FieldRules, path: str, out: list[FieldViolation]) -> None:
    kind = rules.WhichOneof("type")
    if kind == "string":
        _check_string(value, _StringRules(rules.string), path, out)
    elif kind in _NUMBER_KINDS:
        _check_number(value, getattr(rules, kind), path, out)
    elif kind == "enum":
        r = rules.enum
        if r.defined_only and field is not None and field.enum_type.values_by_number.get(value) is None:
            out.append(FieldViolation(path, f"{value} is not a known value"))
        if (getattr(r, "in") and value not in getattr(r, "in")) or value in r.not_in:
            out.append(FieldViolation(path, "is not an allowed value"))


def _check_string(value: str, r: _StringRules, path: str, out: list[FieldViolation]) -> None:
    if r.ignore_empty and value == "":
        return
    found: list[str] = []
    length = len(value)
    if r.len is not None and length != r.len:
        found.append(f"must be exactly {r.len} characters")
    if r.min_len is not None and length < r.min_len:
        found.append(f"must be at least {r.min_len} characters")
    if r.max_len is not None and length > r.max_len:
        found.append(f"must be at most {r.max_len} characters")
    if r.prefix is not None and not value.startswith(r.prefix):
        found.append(f"must start with {r.prefix!r}")
    if r.regex is not None and not r.regex.search(value):
        found.append(f"has an invalid format (expected {r.pattern})")
    if r.email and not _EMAIL.match(value):
        found.append("must be a valid e-mail address")
    if r.uuid and not _UUID.match(value):
        found.append("must be a UUID")
    if r.in_ and value not in r.in_:
        found.append(f"must be one of {', '.join(r.in_)}")
    if value in r.not_in:
        found.append(f"must not be {value!r}")
    # An empty value breaks every rule at once; one plain word says it best.
    out.extend(FieldViolation(path, description) for description in (["is required"] if found and value == "" else found))


def _check_number(value, r, path: str, out: list[FieldViolation]) -> None:
    if r.ignore_empty and value == 0:
        return
    if r.HasField("const") and value != r.const:
        out.append(FieldViolation(path, f"must be {r.const}"))
    if r.HasField("gt") and not value > r.gt:
        out.append(FieldViolation(path, f"must be greater than {r.gt}"))
    if r.HasField("gte") and not value >= r.gte:
        out.append(FieldViolation(path, f"must be at least {r.gte}"))
    if r.HasField("lt") and not value < r.lt:
        out.append(FieldViolation(path, f"must be less than {r.lt}"))
    if r.HasField("lte") and not value <= r.lte:
        out.append(FieldViolation(path, f"must be at most {r.lte}"))
    if getattr(r, "in") and value not in getattr(r, "in"):
        out.append(FieldViolation(path, f"must be one of {', '.join(map(str, getattr(r, 'in')))}"))
    if value in r.not_in:
        out.append(FieldViolation(path, f"must not be {value}"))
