import re
from collections import Counter
from pathlib import Path

import pytest

from zapi.endpoints import ENDPOINTS, ENDPOINTS_BY_NAME, INSTANCE_PREFIX

SPEC = Path("/work/shared/spec/001_590f0b4db31fd463.txt")


def test_names_are_unique_snake_case():
    names = [e.name for e in ENDPOINTS]
    assert len(names) == len(set(names)) == len(ENDPOINTS_BY_NAME)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)


def test_each_route_is_declared_once():
    counts = Counter((e.method, e.route) for e in ENDPOINTS)
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(
    "name",
    [
        "qr_code",
        "qr_code_image",
        "phone_code",
        "status",
        "restart",
        "disconnect",
        "device",
        "me",
        "send_text",
        "send_image",
        "queue",
        "queue_count",
        "queue_delete_all",
        "queue_delete",
        "update_every_webhooks",
        "partner_create_instance",
        "partner_subscribe",
        "partner_cancel",
        "partner_list_instances",
        "number_register",
        "number_verify",
    ],
)
def test_stable_names_exist(name):
    assert name in ENDPOINTS_BY_NAME


def test_instance_rows_are_relative_and_others_absolute():
    for e in ENDPOINTS:
        assert e.path.startswith("/")
        if e.scope == "instance":
            assert not e.path.startswith("/instances")
            assert e.route == INSTANCE_PREFIX + e.path
        else:
            assert e.route == e.path


def _tail_regex(route: str) -> re.Pattern[str]:
    tail = route.split("{token}", 1)[1] if "{token}" in route else route
    return re.compile(re.sub(r"{\w+}", "[^/]+", tail))


def test_every_documented_instance_url_in_the_spec_has_a_row():
    declared = [(e.method, _tail_regex(e.route)) for e in ENDPOINTS]
    pattern = re.compile(
        r"^(GET|POST|PUT|DELETE) https://api\.z-api\.io/instances/[^/]+/token/[^/]+(/[^?]*)"
    )
    missing = set()
    for line in SPEC.read_text().splitlines():
        m = pattern.match(line)
        if not m:
            continue
        method, path = m.group(1), m.group(2).replace(" ", "").rstrip("/")
        if not any(meth == method and rx.fullmatch(path) for meth, rx in declared):
            missing.add((method, path))
    # "Privacy > List disallowed contacts" shows /disallowed-contacts without /privacy (a typo, the
    # curl uses /privacy); "Contacts > Number with WhatsApp?" shows /phone-exists without the phone
    # its example puts in the path.
    assert missing == {("GET", "/disallowed-contacts"), ("GET", "/phone-exists")}


def test_only_safe_reads_are_idempotent():
    assert ENDPOINTS_BY_NAME["status"].idempotent
    assert ENDPOINTS_BY_NAME["queue"].idempotent
    for name in ("restart", "disconnect", "send_text", "queue_delete_all", "phone_code"):
        assert not ENDPOINTS_BY_NAME[name].idempotent


def test_format_path_quotes_values_and_requires_all_placeholders():
    e = ENDPOINTS_BY_NAME["chat_tag_add"]
    assert e.placeholders == ("phone", "tag")
    assert e.format_path(phone="5511999999999", tag="a/b") == "/chats/5511999999999/tags/a%2Fb/add"
    with pytest.raises(KeyError):
        e.format_path(phone="1")
