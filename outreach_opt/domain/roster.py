"""The roster: who is where, when, doing what — the solver's output and the checker's input.

Shape as in ../shared/format/README.md. Assignments keep extra keys (a reason, a resource,
travel legs) so that a hand-edited or enriched roster round-trips. References to the instance
are not checked here: a hand-edited roster with a wrong id is the checker's to report, with a
rule id, not a load error.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from outreach_opt.domain.instance import RosterStatus


class Assignment(BaseModel):
    """One specialist at one site in one period of one date, serving a demand or a commitment."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specialist: str
    date: dt.date
    period: str
    site: str
    activity: str
    demand: str | None = None
    commitment: bool = False
    role: str | None = None
    """The team role filled, for a demand with a `team`; absent otherwise."""


class Stay(BaseModel):
    """A night away from home: the specialist sleeps at `site` after `night`'s last session and
    starts `night` + 1 from there (rule overnight_stay). Listed in the roster so that the
    checker judges the day's journeys and rest without asking the solver."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specialist: str
    night: dt.date = Field(description="The date whose evening the stay begins; it ends the next morning.")
    site: str


class Roster(BaseModel):
    """A roster for one instance, with the solver's claims about it."""

    model_config = ConfigDict(frozen=True, extra="allow")

    instance: str = Field(description="The instance's name.")
    status: RosterStatus = "unknown"
    objective: int | None = None
    bound: int | None = None
    assignments: list[Assignment] = Field(
        description="Every session worked, commitments included ([] for none): required, as a file without the "
        "key is more likely the wrong file than a roster with nothing in it."
    )
    stays: list[Stay] = Field(default_factory=list, description="Nights away from home (overnight_stay).")

    def to_jsonable(self) -> dict[str, object]:
        """Plain data in the documented key order, dates as ISO strings, no null keys."""
        data = self.model_dump(mode="json", exclude_none=True)
        if not data.get("stays"):
            data.pop("stays", None)  # rosters without stays read as before
        data["assignments"] = [
            {k: v for k, v in a.items() if not (k == "commitment" and v is False)} for a in data["assignments"]
        ]
        return data
