"""Warm-up ramp, burst-and-rest and the circuit breaker's verdicts (pure rules)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from messaging.campaigns.breaker import BreakerRule, SenderTally, breaker_verdict
from messaging.campaigns.rhythm import RestRule
from messaging.campaigns.warmup import DEFAULT_RAMP, ramp_parse, warmup_allowance


def test_default_ramp_climbs_then_leaves_the_cap_alone():
    ramp = ramp_parse(DEFAULT_RAMP)
    allowed = [warmup_allowance(cap=200, ramp=ramp, age_days=d) for d in (0, 2, 3, 7, 14, 29, 30)]
    assert allowed == [10, 10, 25, 50, 100, 100, 200]
    # The cap wins when lower than the ramp.
    assert warmup_allowance(cap=5, ramp=ramp, age_days=0) == 5


def test_ramp_parse_refuses_nonsense_in_words():
    assert ramp_parse("0:-") == [(0, None)]
    for bad in ("", "1:10", "0:ten", "0-10", "0:-5"):
        with pytest.raises(ValueError):
            ramp_parse(bad)


def test_rest_rule_draws_within_its_bounds_and_checks_them():
    rule = RestRule(every_min=20, every_max=30, rest_min_seconds=300, rest_max_seconds=900)
    rng = random.Random(3)
    bursts = {rule.next_burst(rng) for _ in range(500)}
    rests = [rule.next_rest(rng) for _ in range(500)]
    assert min(bursts) == 20 and max(bursts) == 30
    assert timedelta(seconds=300) <= min(rests) and max(rests) <= timedelta(seconds=900)
    with pytest.raises(ValueError):
        RestRule(every_min=0)
    with pytest.raises(ValueError):
        RestRule(rest_min_seconds=10, rest_max_seconds=5)


def test_breaker_waits_for_enough_sends_then_trips_on_the_worst_reason():
    rule = BreakerRule()
    assert breaker_verdict(SenderTally(sent=10, failed=10, opted_out=0, blocked=0), rule) is None
    assert breaker_verdict(SenderTally(sent=100, failed=9, opted_out=3, blocked=2), rule) is None
    verdict = breaker_verdict(SenderTally(sent=100, failed=0, opted_out=4, blocked=0), rule)
    assert verdict is not None and "4 of 100" in verdict and "opted out" in verdict
    verdict = breaker_verdict(SenderTally(sent=100, failed=20, opted_out=0, blocked=3), rule)
    assert verdict is not None and "blocked" in verdict
