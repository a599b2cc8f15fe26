"""The autouse `fresh_caches` fixture (conftest.py): no test sees another's cached results."""

from __future__ import annotations

import pytest

from digest.text import casualties
from tests.conftest import PURE_CACHES

TEXT = "Two soldiers were killed and five wounded in an attack near Tarmiyah."


def test_the_caches_cleared_are_found_in_every_room():
    names = {f"{c.__module__}.{c.__name__}" for c in PURE_CACHES}
    assert {"digest.text.casualties.read", "digest.render.edition._credits_of"} <= names


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_reads_a_text_afresh(run):
    # Whichever of the two runs second would find the first's reading cached without the fixture.
    assert all(cached.cache_info().currsize == 0 for cached in PURE_CACHES), run
    reading = casualties.read(TEXT)
    assert (reading.deaths, reading.injuries) == (2, 5)
    assert casualties.read.cache_info().misses == 1
