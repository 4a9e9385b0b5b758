"""Staged rollouts: a release goes to one canary terminal first, and to the rest of its scope once the canary has
heartbeated healthy on it for the rollout's minutes. A canary that rolls back or refuses halts the rollout.

A terminal is offered the release of the newest active rollout that covers it (all terminals, its group, or
itself) while it runs an older version. When to switch (outside opening hours or idle, never mid-visit) is the
terminal's decision: only it knows whether someone stands in front of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.releases import ReleaseError, UpdateReport, parse_version
from server.audit.log import audit
from server.fleet import heartbeats
from server.fleet.models import Terminal
from server.releases import models
from server.releases.models import Release, Rollout

SCOPES = ("all", "group", "terminal")


def covers(rollout: Rollout, terminal: Terminal) -> bool:
    if rollout.scope == "all":
        return True
    if rollout.scope == "group":
        return terminal.group is not None and terminal.group.name == rollout.target
    return rollout.target == str(terminal.id)


def terminals_in_scope(db: Session, rollout: Rollout) -> list[Terminal]:
    active = select(Terminal).where(Terminal.revoked_at.is_(None)).order_by(Terminal.id)
    return [t for t in db.scalars(active) if covers(rollout, t)]


def start(db: Session, release: Release, scope: str, target: str, canary_id: int | None, canary_minutes: int,
          actor: str, now: datetime) -> Rollout:
    """A new rollout; the canary is the one named, else the first terminal in scope that is online now."""
    if scope not in SCOPES:
        raise ReleaseError(f"unknown scope {scope!r}")
    probe = Rollout(scope=scope, target=target if scope != "all" else "")
    members = terminals_in_scope(db, probe)
    if not members:
        raise ReleaseError("no enrolled terminal is in this scope")
    if canary_id is None:
        canary: Terminal | None = next((t for t in members if heartbeats.is_online(t, now)), members[0])
    else:
        canary = next((t for t in members if t.id == canary_id), None)
    if canary is None:
        raise ReleaseError("the canary must be one of the terminals in the rollout's scope")
    for older in db.scalars(select(Rollout).where(Rollout.status == "active")):
        if older.scope == probe.scope and older.target == probe.target:
            older.status = "cancelled"
            older.halted_reason = f"replaced by the rollout of {release.version}"
    rollout = Rollout(release_id=release.id, scope=scope, target=probe.target, canary_terminal_id=canary.id,
                      canary_minutes=canary_minutes, status="active", created_by=actor, created_at=now)
    db.add(rollout)
    db.flush()
    audit(db, actor, "release.rollout", f"release:{release.version}", scope=scope, scope_target=probe.target,
          canary=canary.id, canary_minutes=canary_minutes)
    return rollout


def _reports(db: Session, rollout: Rollout) -> list[models.UpdateReport]:
    return list(db.scalars(select(models.UpdateReport).where(models.UpdateReport.rollout_id == rollout.id)
                          .order_by(models.UpdateReport.id)))


def canary_cleared(db: Session, rollout: Rollout, release: Release, now: datetime) -> bool:
    """True once the canary runs the release, is online, and said so at least the rollout's minutes ago."""
    canary = db.get(Terminal, rollout.canary_terminal_id)
    if canary is None or canary.app_version != release.version or not heartbeats.is_online(canary, now):
        return False
    installed = [r for r in _reports(db, rollout)
                 if r.terminal_id == canary.id and r.outcome == "installed" and r.version == release.version]
    return bool(installed) and installed[-1].reported_at <= now - timedelta(minutes=rollout.canary_minutes)


def offer_for(db: Session, terminal: Terminal, now: datetime) -> tuple[Rollout, Release] | None:
    """The rollout and release this terminal should install now, if any."""
    for rollout in db.scalars(select(Rollout).where(Rollout.status == "active").order_by(Rollout.id.desc())):
        if not covers(rollout, terminal):
            continue
        release = db.get(Release, rollout.release_id)
        if release is None:
            return None
        running = terminal.app_version
        if running is not None and _not_older(running, release.version):
            return None
        if terminal.id == rollout.canary_terminal_id or canary_cleared(db, rollout, release, now):
            return rollout, release
        return None
    return None


def _not_older(running: str, version: str) -> bool:
    try:
        return parse_version(running) >= parse_version(version)
    except ReleaseError:
        return False


def record_report(db: Session, terminal: Terminal, report: UpdateReport, now: datetime) -> None:
    rollout = db.get(Rollout, report.rollout_id) if report.rollout_id is not None else None
    if rollout is not None and not covers(rollout, terminal):
        rollout = None
    db.add(models.UpdateReport(terminal_id=terminal.id, rollout_id=rollout.id if rollout else None,
                               version=report.version, outcome=report.outcome, reason=report.reason,
                               reported_at=min(report.at, now), received_at=now))
    if rollout is not None and rollout.status == "active" and report.outcome != "installed" \
            and terminal.id == rollout.canary_terminal_id:
        rollout.status = "halted"
        rollout.halted_reason = f"canary {terminal.name}: {report.outcome}: {report.reason}"[:2000]
    audit(db, f"terminal:{terminal.id}", f"release.{report.outcome}", f"release:{report.version}",
          reason=report.reason)


@dataclass(frozen=True)
class TerminalProgress:
    terminal: Terminal
    state: str  # current | canary | waiting | offered | rolled_back | refused | failed
    detail: str


def progress(db: Session, rollout: Rollout, release: Release, now: datetime) -> list[TerminalProgress]:
    latest: dict[int, models.UpdateReport] = {}
    for report in _reports(db, rollout):
        latest[report.terminal_id] = report
    cleared = canary_cleared(db, rollout, release, now)
    rows = []
    for terminal in terminals_in_scope(db, rollout):
        last = latest.get(terminal.id)
        if terminal.app_version is not None and _not_older(terminal.app_version, release.version):
            state, detail = "current", ""
        elif last is not None and last.outcome != "installed":
            state, detail = last.outcome, last.reason
        elif terminal.id == rollout.canary_terminal_id:
            state, detail = "canary", ""
        else:
            state, detail = ("offered" if cleared else "waiting"), ""
        rows.append(TerminalProgress(terminal, state, detail))
    return rows


def rollouts(db: Session, limit: int = 20) -> list[Rollout]:
    return list(db.scalars(select(Rollout).order_by(Rollout.id.desc()).limit(limit)))


def recent_problems(db: Session, limit: int = 50) -> list[models.UpdateReport]:
    """Rollbacks, refusals and failures, newest first, with their reasons."""
    return list(db.scalars(select(models.UpdateReport).where(models.UpdateReport.outcome != "installed")
                           .order_by(models.UpdateReport.id.desc()).limit(limit)))
