"""The contract's field rules, checked by the kernel for every request."""

from baraba.identity.v1 import identity_pb2 as pb

from services.kernel.validation import validate

UUID = "2f1c0f5e-1111-4222-8333-444455556666"


def fields(message) -> dict[str, str]:
    return {v.field: v.description for v in validate(message)}


def test_every_broken_rule_is_reported_at_once():
    assert fields(pb.CreateUserRequest(username="a", email="x@", password="short", group_id="7")) == {
        "username": "must be at least 3 characters",
        "email": "must be a valid e-mail address",
        "password": "must be at least 10 characters",
        "group_id": "must be a UUID",
    }


def test_a_valid_request_has_no_violations():
    request = pb.CreateUserRequest(username="ivana.petrova", email="ivana@firma.bg", password="long-enough", group_id=UUID)
    assert fields(request) == {}


def test_pattern_and_maximum_length():
    request = pb.RegisterRequest(username="-bad name", email="a@b.bg", password="p" * 129)
    violations = fields(request)
    assert violations["username"].startswith("has an invalid format")
    assert violations["password"] == "must be at most 128 characters"


def test_optional_fields_are_checked_only_when_sent():
    assert fields(pb.UpdateUserRequest(id=UUID)) == {}
    assert fields(pb.UpdateUserRequest(id=UUID, email="nope")) == {"email": "must be a valid e-mail address"}


def test_ignore_empty_allows_an_absent_filter():
    assert fields(pb.ListCompanyAccessRequest()) == {}
    assert fields(pb.ListCompanyAccessRequest(company_id="x")) == {"company_id": "must be a UUID"}


def test_numbers():
    assert fields(pb.ListUsersRequest(page_size=-1)) == {"page_size": "must be at least 0"}


def test_lengths_count_characters_not_bytes():
    assert fields(pb.RegisterRequest(username="ivan", email="a@b.bg", password="паролатана")) == {}  # 10 letters, 20 bytes
