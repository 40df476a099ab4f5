"""When the current period of care began, and the legal statuses held, from episodes.

Plain pytest: the rule module touches no database.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from peps.care_periods import (
    LegalStatusSpan,
    current_care_start,
    current_episode,
    legal_status_spans,
)


@dataclass(frozen=True)
class Ep:
    started_on: date
    reason_for_new_episode: str
    ended_on: date | None = None
    reason_ceased: str = ""
    legal_status: str = "C2"


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        pytest.param([], None, id="no-episodes-no-care"),
        pytest.param([Ep(d("01/04/2020"), "S")], d("01/04/2020"), id="one-open"),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("15/09/2021"), "X1"),
                Ep(d("15/09/2021"), "P"),
            ],
            d("01/04/2020"),
            id="x1-chain-goes-back-to-the-s-episode",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/05/2020"), "X1"),
                Ep(d("01/05/2020"), "L", d("01/06/2020"), "X1"),
                Ep(d("01/06/2020"), "T", d("01/07/2020"), "X1"),
                Ep(d("01/07/2020"), "B"),
            ],
            d("01/04/2020"),
            id="long-chain-of-changes",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/03/2021"), "E4A"),
                Ep(d("01/05/2023"), "S"),
            ],
            d("01/05/2023"),
            id="came-back-into-care",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/03/2021"), "E4A"),
                Ep(d("01/05/2023"), "P"),
            ],
            d("01/05/2023"),
            id="ended-period-breaks-the-chain-even-without-s",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/05/2021"), "X1"),
                Ep(d("01/05/2021"), "S"),
            ],
            d("01/05/2021"),
            id="s-starts-a-new-period-even-after-x1",
        ),
        pytest.param(
            [Ep(d("05/05/2021"), "S", d("05/05/2022"), "E4A")],
            None,
            id="latest-ended-not-in-care",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/05/2021"), "X1"),
                Ep(d("01/05/2021"), "P", d("01/06/2022"), "E17"),
            ],
            None,
            id="chain-ended-at-eighteen",
        ),
        pytest.param(
            [Ep(d("01/04/2020"), "S", d("01/05/2021"), "X1")],
            d("01/04/2020"),
            id="latest-ended-with-x1-still-in-care",
        ),
        pytest.param(
            [Ep(d("01/04/2020"), "L", d("01/05/2021"), "X1"), Ep(d("01/05/2021"), "P")],
            d("01/04/2020"),
            id="no-s-on-record-goes-back-to-the-first-episode",
        ),
        pytest.param(
            [Ep(d("01/01/2022"), "S", None, "X1"), Ep(d("01/06/2023"), "S")],
            d("01/06/2023"),
            id="two-open-episodes-the-later-s-wins",
        ),
        pytest.param(
            [Ep(d("01/01/2022"), "S", None, "E3"), Ep(d("01/06/2023"), "L")],
            d("01/01/2022"),
            id="open-episode-with-stray-rec-carries-on",
        ),
        pytest.param(
            [Ep(d("01/05/2021"), "P"), Ep(d("01/04/2020"), "S", d("01/05/2021"), "X1")],
            d("01/04/2020"),
            id="episodes-in-any-order",
        ),
    ],
)
def test_current_care_start_follows_the_chain_of_episodes(episodes, expected):
    assert current_care_start(episodes) == expected


def test_current_episode_is_the_one_that_started_last():
    earlier = Ep(d("01/01/2022"), "S")
    later = Ep(d("01/06/2023"), "S")

    assert current_episode([later, earlier]) is later
    assert current_episode([]) is None


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        pytest.param([], [], id="none"),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/05/2020"), "X1", "V2"),
                Ep(d("01/05/2020"), "P", d("01/06/2020"), "X1", "V2"),
                Ep(d("01/06/2020"), "L", None, "", "C2"),
            ],
            [
                LegalStatusSpan("V2", d("01/04/2020"), d("01/06/2020")),
                LegalStatusSpan("C2", d("01/06/2020"), None),
            ],
            id="placement-moves-under-one-status-make-one-span",
        ),
        pytest.param(
            [
                Ep(d("01/04/2020"), "S", d("01/03/2021"), "E4A", "C2"),
                Ep(d("01/05/2023"), "S", None, "", "C2"),
            ],
            [
                LegalStatusSpan("C2", d("01/04/2020"), d("01/03/2021")),
                LegalStatusSpan("C2", d("01/05/2023"), None),
            ],
            id="new-period-same-status-is-a-new-span",
        ),
        pytest.param(
            [
                Ep(d("01/01/2022"), "S", None, "X1", "C2"),
                Ep(d("01/06/2023"), "S", None, "", "L1"),
            ],
            [
                LegalStatusSpan("C2", d("01/01/2022"), d("01/06/2023")),
                LegalStatusSpan("L1", d("01/06/2023"), None),
            ],
            id="episode-left-open-ends-where-the-next-starts",
        ),
    ],
)
def test_legal_status_spans_merge_episodes_of_one_status(episodes, expected):
    assert legal_status_spans(episodes) == expected
