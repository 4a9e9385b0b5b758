"""Enrolment without a credential yet: redeem a one-time code, or pair by a code shown on the kiosk's screen.

The rules are server/fleet/enrolment.py and server/fleet/pairing.py; this module limits attempts, answers a
refusal with its status and commits.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status

from common import wire
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.fleet import enrolment, pairing

router = APIRouter(prefix="/enrolment", tags=["enrolment"])
PairingCode = Annotated[str, Path(pattern=wire.PAIRING_CODE_PATTERN)]
_STATUS = {enrolment.NotFound: status.HTTP_404_NOT_FOUND, enrolment.Expired: status.HTTP_410_GONE,
           enrolment.CodeTaken: status.HTTP_409_CONFLICT}


def refusal(exc: enrolment.EnrolmentRefused) -> HTTPException:
    """The API's answer to an enrolment step the rules refuse."""
    return HTTPException(_STATUS[type(exc)], str(exc))


def limit_attempts(request: Request, db: DbSession) -> None:
    """At most so many enrolment attempts per client address and minute (all server processes together)."""
    _refuse_if_waiting(request.app.state.enrolment_limiter.try_acquire(db, _address(request)))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse_if_waiting(wait: float | None) -> None:
    if wait is not None:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many enrolment attempts; try again later",
                            headers={"Retry-After": str(int(wait) + 1)})


def _refused(exc: enrolment.EnrolmentRefused) -> NoReturn:
    raise refusal(exc) from None


@router.post("/redeem", dependencies=[Depends(limit_attempts)],
             responses={404: {"description": "unknown or used code"}, 410: {"description": "code expired"}})
def redeem(body: wire.EnrolmentRedeem, db: DbSession) -> wire.TerminalCredential:
    try:
        credential = enrolment.redeem_code(db, body.code, body.app_version, utcnow())
    except enrolment.EnrolmentRefused as exc:
        _refused(exc)
    db.commit()
    return credential


@router.post("/pairings", status_code=status.HTTP_201_CREATED, dependencies=[Depends(limit_attempts)],
             responses={409: {"description": "this code is already pending"}})
def start_pairing(body: wire.PairingStart, db: DbSession, settings: Settings) -> wire.PairingState:
    try:
        state = pairing.start(db, body.code, body.secret, body.app_version, settings.pairing_ttl_seconds, utcnow())
    except enrolment.EnrolmentRefused as exc:
        _refused(exc)
    db.commit()
    return state


@router.post("/pairings/{code}/poll", responses={404: {"description": "unknown code or wrong secret"},
                                                 429: {"description": "too many wrong polls from this address"}})
def poll_pairing(code: PairingCode, body: wire.PairingPoll, request: Request, db: DbSession) -> wire.PairingState:
    """The kiosk that started the pairing polls freely; a wrong code or secret counts as an enrolment attempt
    (a guess), and an address out of attempts is refused before anything is looked up."""
    limiter = request.app.state.enrolment_limiter
    _refuse_if_waiting(limiter.retry_after(db, _address(request)))
    try:
        state = pairing.poll(db, code, body.secret, utcnow())
    except enrolment.NotFound as exc:
        db.rollback()
        _refuse_if_waiting(limiter.try_acquire(db, _address(request)))
        _refused(exc)
    db.commit()
    return state
