"""Variables and spintax (messaging.campaigns.render): deterministic with a seed."""

from __future__ import annotations

import random

import pytest

from messaging.campaigns.render import (
    TemplateError,
    recipient_rng,
    template_check,
    template_has_spintax,
    template_render,
    template_variables,
    template_variety,
)


def render(template, variables=None, seed=1):
    return template_render(template, variables or {}, random.Random(seed))


def test_variables_are_filled_case_and_accents_ignored():
    text = render("Oi {{Nome}}, tudo bem em {{ Cidade }}?", {"nome": "Ana", "cidade": "Recife"})
    assert text == "Oi Ana, tudo bem em Recife?"
    assert render("{{endereço}}", {"Endereco": "Rua A"}) == "Rua A"
    assert render("{{data nascimento}}", {"Data-Nascimento": "1/1"}) == "1/1"


def test_blank_or_missing_variable_takes_its_fallback_or_nothing():
    assert render("Oi {{nome|cliente}}!", {"nome": "  "}) == "Oi cliente!"
    assert render("Oi {{nome|cliente}}!", {}) == "Oi cliente!"
    assert render("Oi {{nome}}!", {}) == "Oi !"


def test_spintax_picks_one_option_per_group_and_nests():
    seen = {render("{Olá|Oi|Bom dia} {a|b{c|d}}", seed=s) for s in range(200)}
    assert seen == {f"{g} {t}" for g in ("Olá", "Oi", "Bom dia") for t in ("a", "bc", "bd")}


def test_same_seed_same_text_other_seed_varies():
    template = "{Olá|Oi|Bom dia|E aí} {{nome}}, {temos|há} {novidades|ofertas} {hoje|agora}"
    rng = recipient_rng(seed=42, key=7)
    first = template_render(template, {"nome": "Ana"}, rng)
    again = template_render(template, {"nome": "Ana"}, recipient_rng(seed=42, key=7))
    assert first == again
    others = {
        template_render(template, {"nome": "Ana"}, recipient_rng(seed=42, key=k)) for k in range(50)
    }
    assert len(others) > 10


def test_contact_values_are_never_spun_or_expanded():
    hostile = "{a|b} {{nome}} <script>"
    assert render("Oi {{nome}}", {"nome": hostile}) == f"Oi {hostile}"


def test_variables_inside_spintax_keep_their_fallback_pipe():
    texts = {render("{Oi {{nome|amigo}}|Olá}", seed=s) for s in range(50)}
    assert texts == {"Oi amigo", "Olá"}


@pytest.mark.parametrize(
    ("template", "where"),
    [("Oi {Ana|Bia", "never closed"), ("Oi Ana}", "closes nothing"), ("{a|{b|c}", "never")],
)
def test_unbalanced_braces_are_a_clear_error(template, where):
    with pytest.raises(TemplateError, match=where):
        template_check(template)


def test_template_facts():
    assert template_variables("{{Nome}} {{cidade|x}} {{nome}}") == {"nome", "cidade"}
    assert template_has_spintax("{a|b}")
    assert not template_has_spintax("{só}") and not template_has_spintax("{{nome}}")
    assert template_variety("{a|b|c} {d|e}") == 6
