"""The volunteer pages' CSV exports (phones included: these files are the console's, for the centre's records)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime

from server.volunteers.models import VolunteerTeam
from server.volunteers.totals import MemberRow, Tally

MEMBER_COLUMNS = ("team", "name", "phone", "organisation", "leader", "activities", "hours")
TEAM_COLUMNS = ("team", "members", "activities", "volunteers", "hours", "missing_checkouts")
SERVICE_COLUMNS = ("name", "phone", "organisation", "checked_in_at", "checked_out_at", "minutes", "edited_by",
                   "reason")


def cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # A spreadsheet would run a cell starting like a formula: names come from the public.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    return "\ufeff" + out.getvalue()


def members_csv(rows: list[MemberRow], team_name: Callable[[int | None], str]) -> str:
    return table_csv(MEMBER_COLUMNS, [
        [team_name(row.team_id), row.name, row.phone, row.organisation, "yes" if row.member and row.member.leader else "",
         len(row.tally.activities), row.tally.hours] for row in rows])


def teams_csv(teams: list[VolunteerTeam], counts: dict[int, int], tallies: dict[int, Tally]) -> str:
    return table_csv(TEAM_COLUMNS, [
        [team.name_zh, counts.get(team.id, 0), len(tallies[team.id].activities), len(tallies[team.id].people),
         tallies[team.id].hours, tallies[team.id].missing_checkouts] for team in teams])
