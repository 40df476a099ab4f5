"""When a child's current period of care began, from their SSDA903 episodes.

Pure: no database, no clock. In the Children Looked After return a period of care is
built from episodes. An episode whose reason for new episode (RNE) is "S" starts a new
period; any other episode carries on the period of the one before it, as long as that
one ended with reason "X1" (ceased and a new episode began the same day) or has not
ended at all. An episode that ended for any other reason ("E" codes: adopted, returned
home, aged 18 and so on) ends the period.

The rules, in plain English:
- The current episode is the one that started last (two open episodes happen in real
  returns; the later start wins).
- If the current episode has ended, and not with X1, the child is not in care now.
- Otherwise the period goes back from the current episode, episode by episode, until
  an episode with RNE "S", or one whose predecessor ended the period, or the first
  episode on record; the period began on that episode's start date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

STARTS_NEW_PERIOD = "S"
CONTINUES_PERIOD = "X1"


class Episode(Protocol):
    """What the rule reads from an episode; `CareEpisode` rows fit it."""

    @property
    def started_on(self) -> date: ...

    @property
    def reason_for_new_episode(self) -> str: ...

    @property
    def ended_on(self) -> date | None: ...

    @property
    def reason_ceased(self) -> str: ...

    @property
    def legal_status(self) -> str: ...


def current_episode(episodes: Iterable[Episode]) -> Episode | None:
    """The episode that started last, or None without episodes."""
    return max(episodes, key=lambda episode: episode.started_on, default=None)


def carries_on(earlier: Episode) -> bool:
    """Whether the episode after this one belongs to the same period of care."""
    return earlier.ended_on is None or earlier.reason_ceased == CONTINUES_PERIOD


def current_care_start(episodes: Iterable[Episode]) -> date | None:
    """The start of the child's current period of care; None if not in care now."""
    ordered = sorted(episodes, key=lambda episode: episode.started_on)
    if not ordered:
        return None

    latest = ordered[-1]
    if latest.ended_on is not None and latest.reason_ceased != CONTINUES_PERIOD:
        return None

    start = latest
    for earlier in reversed(ordered[:-1]):
        if start.reason_for_new_episode == STARTS_NEW_PERIOD or not carries_on(earlier):
            break
        start = earlier

    return start.started_on


@dataclass(frozen=True)
class LegalStatusSpan:
    """A stretch of time under one legal status, as Section C of the PEP lists it."""

    legal_status: str
    started_on: date
    ended_on: date | None


def legal_status_spans(episodes: Iterable[Episode]) -> list[LegalStatusSpan]:
    """Each legal status the child has held, oldest first.

    Episodes follow one another when only the placement changes, so consecutive
    episodes of one period with the same legal status make a single span; a new
    period of care starts a new span even under the same status. A span ends when
    its last episode ends, and is open (None) while that episode is, unless a later
    span begins: an episode left open by mistake ends where the next one starts.
    """
    spans: list[LegalStatusSpan] = []
    previous: Episode | None = None
    for episode in sorted(episodes, key=lambda episode: episode.started_on):
        same_period = (
            previous is not None
            and episode.reason_for_new_episode != STARTS_NEW_PERIOD
            and carries_on(previous)
        )
        if same_period and spans[-1].legal_status == episode.legal_status:
            spans[-1] = LegalStatusSpan(
                episode.legal_status, spans[-1].started_on, episode.ended_on
            )
        else:
            if spans and spans[-1].ended_on is None:
                spans[-1] = LegalStatusSpan(
                    spans[-1].legal_status, spans[-1].started_on, episode.started_on
                )
            spans.append(
                LegalStatusSpan(
                    episode.legal_status, episode.started_on, episode.ended_on
                )
            )
        previous = episode
    return spans
