"""Burst and rest: on top of the pacer's gap between two sends, a longer rest after every N
messages of a sender (N and the rest drawn at random between bounds), the rhythm of a person
at a phone rather than a machine's even beat.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RestRule:
    every_min: int = 20
    every_max: int = 30
    rest_min_seconds: int = 5 * 60
    rest_max_seconds: int = 15 * 60

    def __post_init__(self) -> None:
        if not 0 < self.every_min <= self.every_max:
            raise ValueError(_("Rest after N messages: N must be at least 1 and min ≤ max."))
        if not 0 <= self.rest_min_seconds <= self.rest_max_seconds:
            raise ValueError(_("Rest length: min must be at least 0 and ≤ max."))

    def next_burst(self, rng: random.Random) -> int:
        """How many messages before the next rest."""
        return rng.randint(self.every_min, self.every_max)

    def next_rest(self, rng: random.Random) -> timedelta:
        return timedelta(seconds=rng.uniform(self.rest_min_seconds, self.rest_max_seconds))
