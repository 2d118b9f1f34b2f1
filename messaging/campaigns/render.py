"""Personalised text: variables (``{{nome}}``, ``{{cidade|sua cidade}}``) and spintax
(``{Olá|Oi|Bom dia}``, nested allowed).

Spec 001 ("How many messages can I send?"): "personalize messages with the recipient's
information. If this isn't possible, use random attributes to differentiate each message".

Spintax is resolved first, on the template only, then variables are filled in: a contact's
name containing ``{a|b}`` or ``{{x}}`` is printed as it is, never spun or expanded. Choices
come from a ``random.Random`` seeded by the caller (campaign seed + recipient), so a
recipient's message is the same in the preview, on retry and after a restart.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

# ``{{ name }}`` or ``{{ name | fallback }}``; names are letters, digits, _, - and spaces.
VARIABLE = re.compile(r"\{\{\s*(\w[\w\s-]*?)\s*(?:\|([^{}]*))?\}\}")


class TemplateError(ValueError):
    """A template that cannot be rendered (unbalanced braces), said in words."""


@dataclass(frozen=True)
class _Text:
    value: str


@dataclass(frozen=True)
class _Choice:
    options: tuple[tuple[_Node, ...], ...]


_Node = _Text | _Choice


def variable_key(name: str) -> str:
    """How a variable or a contact field is matched: case and accents ignored, spaces as _
    (``{{Nome}}``, ``{{ nome }}`` and an imported column "Nome" are one variable)."""
    text = unicodedata.normalize("NFKD", name.strip().casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s-]+", "_", text)


def _parse(template: str) -> tuple[_Node, ...]:
    nodes, _end = _parse_seq(template, 0, top=True)
    return nodes


def _parse_seq(text: str, pos: int, *, top: bool) -> tuple[tuple[_Node, ...], int]:
    """Nodes from ``pos`` until the end (top level) or an unmatched ``|``/``}`` (inside a
    choice). Variables are kept as literal text here and filled in after spinning."""
    nodes: list[_Node] = []
    buf: list[str] = []
    while pos < len(text):
        match = VARIABLE.match(text, pos)
        if match:
            buf.append(match.group(0))
            pos = match.end()
            continue
        ch = text[pos]
        if ch == "{":
            if buf:
                nodes.append(_Text("".join(buf)))
                buf = []
            choice, pos = _parse_choice(text, pos + 1)
            nodes.append(choice)
            continue
        if ch == "}" and top:
            raise TemplateError(_("A '}' at character %(pos)d closes nothing.") % {"pos": pos + 1})
        if ch in "|}" and not top:
            break
        buf.append(ch)
        pos += 1
    if buf:
        nodes.append(_Text("".join(buf)))
    return tuple(nodes), pos


def _parse_choice(text: str, pos: int) -> tuple[_Choice, int]:
    start = pos - 1
    options: list[tuple[_Node, ...]] = []
    while True:
        option, pos = _parse_seq(text, pos, top=False)
        options.append(option)
        if pos >= len(text):
            raise TemplateError(
                _("The '{' at character %(pos)d is never closed with '}'.") % {"pos": start + 1}
            )
        if text[pos] == "}":
            return _Choice(tuple(options)), pos + 1
        pos += 1  # "|": the next option


def _spin(nodes: tuple[_Node, ...], rng: random.Random, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.value)
        else:
            _spin(node.options[rng.randrange(len(node.options))], rng, out)


def template_check(template: str) -> None:
    """Raise ``TemplateError`` when the template cannot be rendered."""
    _parse(template)


def template_variables(template: str) -> set[str]:
    """The variable keys a template uses (``{{Nome}}`` → ``nome``)."""
    return {variable_key(m.group(1)) for m in VARIABLE.finditer(template)}


def template_has_spintax(template: str) -> bool:
    return any(
        isinstance(node, _Choice) and len(node.options) > 1 for node in _walk(_parse(template))
    )


def _walk(nodes: tuple[_Node, ...]) -> list[_Node]:
    found: list[_Node] = []
    for node in nodes:
        found.append(node)
        if isinstance(node, _Choice):
            for option in node.options:
                found.extend(_walk(option))
    return found


def template_variety(template: str) -> int:
    """How many different texts the spintax alone can make (capped, for display)."""

    def count(nodes: tuple[_Node, ...]) -> int:
        total = 1
        for node in nodes:
            if isinstance(node, _Choice):
                total *= sum(count(option) for option in node.options)
            total = min(total, 10**6)
        return total

    return count(_parse(template))


def template_render(template: str, variables: Mapping[str, str], rng: random.Random) -> str:
    """The text one recipient reads: spintax resolved with ``rng``, then each variable
    replaced by the recipient's value, its fallback when blank, or nothing."""
    out: list[str] = []
    _spin(_parse(template), rng, out)
    spun = "".join(out)
    values = {variable_key(k): v for k, v in variables.items()}

    def fill(match: re.Match[str]) -> str:
        value = str(values.get(variable_key(match.group(1))) or "").strip()
        return value or (match.group(2) or "").strip()

    return VARIABLE.sub(fill, spun)


def recipient_rng(*, seed: int | str, key: int | str) -> random.Random:
    """The random source of one recipient in one campaign: the same on every run (a str
    seed is hashed with SHA-512 by ``random``, independent of PYTHONHASHSEED)."""
    return random.Random(f"{seed}:{key}")
