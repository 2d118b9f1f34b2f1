"""The sandbox's URL table, built from ``zapi.endpoints.ENDPOINTS`` so the client and the
emulator cannot drift apart (docs/architecture.md).

Every route template becomes one ``re_path``; the view gets the ``{method: Endpoint}`` of
that template, so a known path with the wrong method is a 405 (spec 001, "Instance > Automatic
reading").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from zapi.endpoints import ENDPOINTS, Endpoint

_PLACEHOLDER = re.compile(r"{(\w+)}")


def served_endpoints() -> tuple[Endpoint, ...]:
    """Every endpoint the sandbox answers: exactly ``ENDPOINTS``."""
    return ENDPOINTS


def route_regex(route: str) -> str:
    """``/instances/{instanceId}/token/{token}/qr-code`` -> a regex relative to /sandbox/."""
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(route):
        parts.append(re.escape(route[pos : match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^/]+)")
        pos = match.end()
    parts.append(re.escape(route[pos:]))
    return "^" + "".join(parts).lstrip("/").lstrip("\\/") + "$"


def routes_by_template(
    endpoints: Iterable[Endpoint],
) -> list[tuple[str, dict[str, Endpoint]]]:
    """(route template, {method: endpoint}), most literal templates first, so that
    ``/queue/count`` wins over ``/queue/{zaapId}`` and ``/contacts/add`` over
    ``/contacts/{phone}``."""
    table: dict[str, dict[str, Endpoint]] = defaultdict(dict)
    for endpoint in endpoints:
        table[endpoint.route][endpoint.method] = endpoint

    def literal_weight(route: str) -> tuple[int, int]:
        holes = len(_PLACEHOLDER.findall(route))
        return (holes, -len(_PLACEHOLDER.sub("", route)))

    return sorted(table.items(), key=lambda item: literal_weight(item[0]))
