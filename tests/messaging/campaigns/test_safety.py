"""Checks before start (messaging.campaigns.safety): risky words, links, same text,
capacity with the end date."""

from __future__ import annotations

from datetime import date

from messaging.campaigns.safety import (
    Level,
    SenderCapacity,
    capacity_check,
    content_check,
    links,
    risky_words,
)


def test_risky_financial_words_are_found_whole_and_accent_blind():
    assert risky_words("Pague seu BOLETO ou pelo Pix, cartão de CRÉDITO") == [
        "boleto", "pix", "cartao", "credito", "pague",
    ]  # fmt: skip
    assert risky_words("pixel e cartaz") == []


def test_links_are_found():
    assert links("veja https://x.com/a e www.loja.com.br ou loja.com.br/p") == [
        "https://x.com/a", "www.loja.com.br", "loja.com.br/p",
    ]  # fmt: skip
    assert links("Olá, tudo bem? Até amanhã.") == []


def test_content_findings_say_why():
    report = content_check(["Seu boleto: https://pag.me/x"])
    assert report.codes() == {"risky_words", "links", "same_text"}
    assert all(f.level == Level.WARNING for f in report.findings)
    risky = next(f for f in report.findings if f.code == "risky_words")
    assert "boleto" in risky.message and "ban" in risky.message


def test_variables_spintax_or_variants_are_not_the_same_text():
    assert "same_text" not in content_check(["Oi {{nome}}"]).codes()
    assert "same_text" not in content_check(["{Oi|Olá} tudo bem"]).codes()
    assert "same_text" not in content_check(["Oi", "Olá"]).codes()
    assert "same_text" in content_check(["Oi, tudo bem"]).codes()


def test_broken_template_or_nothing_to_send_blocks_the_start():
    assert [f.code for f in content_check(["Oi {a|b"]).blockers] == ["template"]
    assert [f.code for f in content_check(["  "]).blockers] == ["empty"]


def test_no_opt_out_line_is_warned():
    assert "no_opt_out" in content_check(["Oi {{nome}}"], opt_out_line=False).codes()


DAYS = [date(2026, 12, d) for d in (1, 2, 3, 4, 7, 8)]


def test_audience_within_todays_caps_has_no_warning():
    report, end = capacity_check(
        audience=150, senders=[SenderCapacity("a", [100]), SenderCapacity("b", [50])],
        open_days=DAYS,
    )  # fmt: skip
    assert report.findings == [] and end == DAYS[0]


def test_audience_above_the_caps_warns_with_the_end_date_and_the_ramp_counts():
    # Sender a is warming up: 10, 10, 25, 25... new people on successive sending days.
    senders = [SenderCapacity("a", [10, 10, 25]), SenderCapacity("b", [30])]
    report, end = capacity_check(audience=120, senders=senders, open_days=DAYS)
    assert end == DAYS[2]  # 40 + 40 + 55 >= 120 on the third sending day
    assert [f.code for f in report.warnings] == ["capacity"]
    assert "40" in report.warnings[0].message


def test_audience_beyond_the_horizon_and_no_senders():
    report, end = capacity_check(audience=10**6, senders=[SenderCapacity("a", [10])],
                                 open_days=DAYS)  # fmt: skip
    assert end is None and "more than 6 sending days" in report.warnings[0].message
    report, end = capacity_check(audience=5, senders=[], open_days=DAYS)
    assert [f.code for f in report.blockers] == ["no_senders"]
