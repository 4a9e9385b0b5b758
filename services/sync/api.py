"""HTTP client of the central server's terminal and enrolment calls (docs/sync-protocol.md).

Every failure becomes one of three errors, which is all the engine needs to decide what to do:
``TransientError`` (try again later), ``UnauthorisedError`` (the credential is revoked or unknown)
and ``PermanentError`` (this request will never succeed as it is; the message has the server's detail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from pydantic import BaseModel, TypeAdapter, ValidationError

from common.queue_wire import (
    QueueCalls,
    QueueNumber,
    QueueRefused,
    QueueWindowState,
    SlipAnswer,
    SlipLookup,
    SlipRating,
    TakeNumber,
)
from common.releases import ReleaseOffer, UpdateReport
from common.wire import (
    API_PREFIX,
    BookingGrid,
    BookingOutcome,
    BookingRequest,
    CheckinResult,
    CheckinScan,
    Command,
    CommandOutcome,
    EnrolmentRedeem,
    Heartbeat,
    HeartbeatReply,
    PairingPoll,
    PairingStart,
    PairingState,
    PassScan,
    PassVerdict,
    PushNotice,
    RecordBatch,
    RecordBatchResult,
    TerminalConfig,
    TerminalCredential,
    VolunteerBoard,
    VolunteerHoursAnswer,
    VolunteerHoursQuery,
)

Model = TypeVar("Model", bound=BaseModel)
_COMMANDS = TypeAdapter(list[Command])
_QUEUE_WINDOWS = TypeAdapter(list[QueueWindowState])
# Request errors that no retry can fix: the server URL itself is wrong.
_BAD_URL = (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)


class SyncError(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class TransientError(SyncError):
    """Unreachable, timed out, 5xx or 429: the same request may well succeed later."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status)
        self.retry_after = retry_after


class UnauthorisedError(SyncError):
    """401/403: the terminal's credential is revoked or unknown to this server."""


class PermanentError(SyncError):
    """Any other 4xx: the server refuses this request as it is."""


@dataclass(frozen=True)
class Download:
    """A document fetched with its ETag (bare, as the heartbeat reply and bodies carry it)."""

    etag: str
    document: Any


class ServerApi:
    def __init__(self, base_url: str, token: str | None = None, connect_timeout: float = 5, read_timeout: float = 15):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = (connect_timeout, read_timeout)
        # One session: connections are kept alive between calls. TLS certificates are verified (the default).
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"

    def close(self) -> None:
        self.session.close()

    # -- enrolment -------------------------------------------------------------------------------

    def redeem(self, code: str, app_version: str) -> TerminalCredential:
        body = EnrolmentRedeem(code=code, app_version=app_version)
        return self._parse(TerminalCredential, self._call("POST", "/enrolment/redeem", body))

    def start_pairing(self, code: str, secret: str, app_version: str) -> PairingState:
        body = PairingStart(code=code, secret=secret, app_version=app_version)
        return self._parse(PairingState, self._call("POST", "/enrolment/pairings", body))

    def poll_pairing(self, code: str, secret: str) -> PairingState:
        response = self._call("POST", f"/enrolment/pairings/{code}/poll", PairingPoll(secret=secret))
        return self._parse(PairingState, response)

    # -- terminal --------------------------------------------------------------------------------

    def heartbeat(self, heartbeat: Heartbeat) -> HeartbeatReply:
        return self._parse(HeartbeatReply, self._call("POST", "/terminal/heartbeat", heartbeat))

    def config(self, etag: str | None = None) -> TerminalConfig | None:
        """The effective configuration; None when it still matches ``etag`` (304). Tags are bare, unquoted."""
        response = self._call("GET", "/terminal/config", etag=etag)
        return None if response.status_code == 304 else self._parse(TerminalConfig, response)

    def catalogue(self, etag: str | None = None) -> Download | None:
        """The catalogue document, not yet validated; None when it still matches ``etag`` (304)."""
        return self._download("/terminal/catalogue", etag)

    def checkin_bundle(self, etag: str | None = None) -> Download | None:
        """The check-in bundle document, not yet validated; None when it still matches ``etag`` (304)."""
        return self._download("/terminal/checkin", etag)

    def matters_board(self, etag: str | None = None) -> Download | None:
        """The building-matters board, not yet validated; None when it still matches ``etag`` (304)."""
        return self._download("/terminal/matters", etag)

    def wish_wall(self, etag: str | None = None) -> Download | None:
        """The micro-wish wall document, not yet validated; None when it still matches ``etag`` (304)."""
        return self._download("/terminal/wishes", etag)

    def _download(self, path: str, etag: str | None) -> Download | None:
        response = self._call("GET", path, etag=etag)
        if response.status_code == 304:
            return None
        try:
            document = response.json()
        except ValueError:
            raise TransientError(f"GET {path}: the answer is not JSON") from None
        return Download(etag=_bare_etag(response.headers.get("ETag", "")), document=document)

    def check_in_online(self, scan: CheckinScan) -> CheckinResult:
        """The server's verdict on a scan; it stores the scan as the record with the scan's id."""
        return self._parse(CheckinResult, self._call("POST", "/terminal/checkins", scan))

    def booking_slots(self) -> BookingGrid:
        return self._parse(BookingGrid, self._call("GET", "/terminal/booking/slots"))

    def book(self, request: BookingRequest) -> BookingOutcome:
        """The booking, or the server's refusal with the nearest free slot (both are answers, not errors)."""
        return self._parse(BookingOutcome, self._call("POST", "/terminal/booking/bookings", request))

    def check_pass(self, scan: PassScan) -> PassVerdict:
        return self._parse(PassVerdict, self._call("POST", "/terminal/booking/checkins", scan))

    def commands(self) -> list[Command]:
        response = self._call("GET", "/terminal/commands")
        try:
            return _COMMANDS.validate_json(response.content)
        except ValidationError as exc:
            raise TransientError(f"GET /terminal/commands: malformed answer: {exc}") from None

    def wait_for_notice(self, config_etag: str, seconds: int) -> PushNotice:
        """The long poll: answers when a command or a configuration other than ``config_etag`` waits, or after
        ``seconds`` (the read timeout must be longer)."""
        query = urlencode({"config_etag": config_etag, "seconds": seconds})
        return self._parse(PushNotice, self._call("GET", f"/terminal/wait?{query}"))

    def report_command(self, outcome: CommandOutcome) -> None:
        self._call("POST", f"/terminal/commands/{outcome.command_id}/result", outcome)

    def upload_screenshot(self, command_id: int, png: bytes) -> None:
        self._call("PUT", f"/terminal/commands/{command_id}/screenshot", png, content_type="image/png")

    def volunteer_board(self) -> VolunteerBoard:
        return self._parse(VolunteerBoard, self._call("GET", "/terminal/volunteers"))

    def volunteer_hours(self, code: str) -> VolunteerHoursAnswer:
        """The hours of a scanned ticket's holder (nothing is stored)."""
        response = self._call("POST", "/terminal/volunteers/hours", VolunteerHoursQuery(code=code))
        return self._parse(VolunteerHoursAnswer, response)
    def release_offer(self) -> ReleaseOffer | None:
        """The release this terminal should run, signed; None when it should stay on its version (204)."""
        response = self._call("GET", "/terminal/update")
        return None if response.status_code == 204 else self._parse(ReleaseOffer, response)

    def release_archive(self, version: str, start: int) -> requests.Response:
        """The archive from byte ``start`` on, streamed: 206 when the server honoured the range, else 200 whole."""
        return self._call("GET", f"/terminal/releases/{version}/archive", byte_range=start, stream=True)

    def update_report(self, report: UpdateReport) -> None:
        self._call("POST", "/terminal/update-report", report)

    def upload_logs(self, command_id: int, text: str) -> None:
        self._call("PUT", f"/terminal/commands/{command_id}/logs", text.encode(), content_type="text/plain; charset=utf-8")

    def push_records(self, records: list[dict[str, Any]]) -> RecordBatchResult:
        response = self._call("POST", "/terminal/records", RecordBatch(records=records))
        return self._parse(RecordBatchResult, response)

    # -- queue numbers (services/queue) ------------------------------------------------------------

    def take_number(self, body: TakeNumber) -> QueueNumber | QueueRefused:
        """A number for ``body.service_code``, or why none was issued (HTTP 409, the reason in ``detail``)."""
        response = self._call("POST", "/terminal/queue/numbers", body, answered=(409,))
        if response.status_code != 409:
            return self._parse(QueueNumber, response)
        try:
            return QueueRefused.model_validate(response.json()["detail"])
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise TransientError(f"POST /terminal/queue/numbers: malformed refusal: {exc}") from None

    def queue_windows(self) -> list[QueueWindowState]:
        response = self._call("GET", "/terminal/queue/windows")
        try:
            return _QUEUE_WINDOWS.validate_json(response.content)
        except ValidationError as exc:
            raise TransientError(f"GET /terminal/queue/windows: malformed answer: {exc}") from None

    def queue_calls(self, after: int | None) -> QueueCalls:
        """Calls after call ``after``; None: none, only the id to ask after next time."""
        query = "" if after is None else f"?after={int(after)}"
        return self._parse(QueueCalls, self._call("GET", f"/terminal/queue/calls{query}"))

    def look_up_slip(self, token: str) -> SlipAnswer:
        return self._parse(SlipAnswer, self._call("POST", "/terminal/queue/slip", SlipLookup(token=token)))

    def rate_slip(self, rating: SlipRating) -> SlipAnswer:
        return self._parse(SlipAnswer, self._call("POST", "/terminal/queue/rating", rating))

    # -- internals -------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, body: BaseModel | bytes | None = None, *, etag: str | None = None,
        content_type: str = "application/json", byte_range: int | None = None, stream: bool = False,
        answered: tuple[int, ...] = (),
    ) -> requests.Response:
        """The answer; an error status raises, except those in ``answered`` (an answer the caller reads)."""
        headers = {}
        if byte_range:
            headers["Range"] = f"bytes={byte_range}-"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = f'"{etag}"'
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else body.model_dump_json().encode()
            headers["Content-Type"] = content_type
        what = f"{method} {path}"
        try:
            response = self.session.request(
                method, self.base_url + API_PREFIX + path, data=data, headers=headers, timeout=self.timeout,
                stream=stream,
            )
        except _BAD_URL as exc:
            raise PermanentError(f"{what}: bad server URL {self.base_url!r}: {exc}") from None
        except requests.RequestException as exc:
            raise TransientError(f"{what}: {type(exc).__name__}: {exc}") from None
        status = response.status_code
        if status < 400 or status in answered:
            return response
        message = f"{what}: HTTP {status}: {_detail(response)}"
        if status in (401, 403):
            raise UnauthorisedError(message, status)
        if status == 429 or status >= 500:
            raise TransientError(message, status, _retry_after(response))
        raise PermanentError(message, status)

    @staticmethod
    def _parse(model: type[Model], response: requests.Response) -> Model:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            # A proxy's or captive portal's page, or a server mid-upgrade: worth another try later.
            raise TransientError(f"{response.request.method} {response.url}: malformed answer: {exc}") from None


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return response.text[:500] or response.reason or ""
    if isinstance(detail, list):  # FastAPI's validation errors
        return "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg', '')}" if isinstance(item, dict)
            else str(item)
            for item in detail
        )
    return str(detail)


def _bare_etag(header: str) -> str:
    return header.strip().removeprefix("W/").strip('"')


def _retry_after(response: requests.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
