"""What travels between a kiosk and the central server: the one set of wire models both sides import.

The server (``server/``) declares its terminal routes with these models; the kiosk's sync client
(``services/sync``) builds and parses requests with them. What only staff send or read (sign-in, terminal
status, configuration layers, commands queued...) is in the server's own ``schemas`` modules
(server/fleet/schemas.py, server/accounts/schemas.py, ...). Paths are under ``API_PREFIX``;
docs/sync-protocol.md describes the exchange. Field limits here are the server's limits too,
so a kiosk never sends something the server is bound to refuse.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common.catalogue import Text

API_PREFIX = "/api/v1"
# Terminal and admin calls carry "Authorization: Bearer <token>".
TERMINAL_TOKEN_PREFIX = "kt_"
ADMIN_TOKEN_PREFIX = "ka_"
ENROLMENT_CODE_PATTERN = r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"
PAIRING_CODE_PATTERN = r"^[0-9]{6}$"
MAX_BATCH_RECORDS = 500
MAX_RECORD_PAYLOAD_BYTES = 16_384
MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024
# Every integer the server accepts is bounded by the column it meets, so none reaches the database too large:
# BIGINT (64 bits; SQLite's INTEGER) and PostgreSQL's INTEGER (32 bits), which the server compares its ids
# as too (SQLAlchemy casts each id to its column's type).
MAX_INT64 = 2**63 - 1
MAX_INT32 = 2**31 - 1
# A row's id, as paths, queries and bodies carry it: ids are INTEGER columns.
MAX_ID = MAX_INT32
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# How many of something a terminal holds (outbox rows, parked records): never near two thousand million.
Count = Annotated[int, Field(ge=0, le=MAX_INT32)]


class WireModel(BaseModel):
    # Unknown fields are ignored, so an older kiosk keeps talking to a newer server and back.
    model_config = ConfigDict(extra="ignore")


# -- enrolment -----------------------------------------------------------------------------------


class EnrolmentRedeem(WireModel):
    """A kiosk trades the one-time code an administrator gave for its own credential."""

    code: str = Field(pattern=ENROLMENT_CODE_PATTERN)
    app_version: str = Field(max_length=40)


class TerminalCredential(WireModel):
    """Handed out once; the server keeps only a hash of ``token``."""

    terminal_id: int
    token: str
    name: str
    location: str


PAIRING_REASON_MAX = 200


class PairingStart(WireModel):
    """An unenrolled kiosk shows ``code`` on screen; an administrator approves that code on the server.

    Only a caller that knows ``secret`` (never shown on screen) can collect the credential.
    """

    code: str = Field(pattern=PAIRING_CODE_PATTERN)
    secret: str = Field(min_length=32, max_length=128)
    app_version: str = Field(max_length=40)


class PairingPoll(WireModel):
    secret: str = Field(min_length=32, max_length=128)


class PairingState(WireModel):
    status: Literal["pending", "approved", "rejected", "expired"]
    # Present once, on the first poll after approval.
    credential: TerminalCredential | None = None
    # Why an administrator refused the pairing (status "rejected"), in the words they typed.
    reason: str | None = Field(default=None, max_length=PAIRING_REASON_MAX)


# -- configuration and catalogue -----------------------------------------------------------------


class TerminalConfig(WireModel):
    """The terminal's effective settings: every layer merged, a complete ``KioskSettings`` document."""

    version: int
    etag: str
    settings: dict[str, Any]


# -- heartbeat -----------------------------------------------------------------------------------

PeripheralState = Literal["ok", "absent", "error", "disabled"]


class CommandOutcome(WireModel):
    command_id: Id
    ok: bool
    detail: str = Field(default="", max_length=2000)


class Heartbeat(WireModel):
    app_version: str = Field(max_length=40)
    uptime_seconds: float = Field(ge=0)
    last_sync_at: datetime | None = None
    outbox_depth: Count
    parked_count: Count = 0
    free_disk_bytes: int = Field(ge=0, le=MAX_INT64)
    # Memory available to new programs (Linux MemAvailable); None where the kiosk cannot tell.
    free_memory_bytes: int | None = Field(default=None, ge=0, le=MAX_INT64)
    peripherals: dict[str, PeripheralState] = Field(default_factory=dict, max_length=16)
    # Server time minus this terminal's clock, measured at the previous heartbeat (the check-in window and every
    # timestamp depend on the clock); None before the first answer.
    clock_offset_seconds: float | None = Field(default=None, ge=-1e9, le=1e9)
    # Linux PSI: % of the last minute some task waited for memory; None where the kernel does not tell.
    memory_pressure: float | None = Field(default=None, ge=0, le=100)
    current_screen: str = Field(default="", max_length=40)
    # 0 while no configuration layer exists yet (only the built-in settings).
    config_version: int | None = Field(default=None, ge=0, le=MAX_ID)
    # Why the newest configuration was refused locally; the terminal keeps running the last good one.
    config_error: str | None = Field(default=None, max_length=4000)
    catalogue_version: str = Field(default="", max_length=64)
    last_command: CommandOutcome | None = None
    log_level: str = Field(default="INFO", max_length=10)
    in_service: bool = True
    # The ``resend_since`` of a reply this terminal has acted on: its kept records are back in its outbox.
    resent_since: datetime | None = None


class HeartbeatReply(WireModel):
    server_time: datetime
    # Already jittered by the server: the kiosk waits this long before the next call.
    next_poll_seconds: float
    config_version: int
    config_etag: str
    catalogue_etag: str
    commands_pending: int
    # The check-in bundle's ETag for this terminal; the kiosk fetches GET /terminal/checkin when it differs.
    checkin_etag: str = ""
    # The building-matters board's ETag (GET /terminal/matters): matters, the year's counts, the convention.
    matters_etag: str = ""
    # The micro-wish wall's ETag; the kiosk fetches GET /terminal/wishes when it differs.
    wishes_etag: str = ""
    # After a restore from a backup taken at this time: the terminal sends again every record it kept that the
    # server confirmed since (ids make each land once), then says so in ``Heartbeat.resent_since``.
    resend_since: datetime | None = None
    # The server's record key (common.sealed_box): kept copies of records hold personal fields only sealed to it.
    record_seal_key: str = Field(default="", max_length=64)
    # The address phones reach the server at (its PUBLIC_URL, e.g. behind a reverse proxy), for the QR codes the
    # kiosk shows (feedback status, wishes, volunteer sign-up); "" when the server has none set.
    public_url: str = Field(default="", max_length=200)


# -- remote commands -----------------------------------------------------------------------------

CommandKind = Literal[
    "sync_now", "reload_config", "restart", "screenshot", "show_message", "out_of_service", "in_service",
    "upload_logs",
]
# The recent log a terminal uploads for an upload_logs command: its last lines, cut to this size from the end.
MAX_LOG_UPLOAD_BYTES = 256 * 1024


class UploadLogsArgs(WireModel):
    lines: int = Field(default=500, ge=1, le=5000)


class ShowMessageArgs(WireModel):
    text: Text
    seconds: int = Field(default=30, ge=5, le=3600)


class OutOfServiceArgs(WireModel):
    message: Text | None = None


# GET /terminal/wait (the long poll) waits at most this long by default, and never longer than the maximum.
PUSH_WAIT_SECONDS = 50
PUSH_WAIT_MAX_SECONDS = 60


class PushNotice(WireModel):
    """The long poll's answer: at once when something waits for the terminal, else when it changes or the wait
    is over. The terminal runs a sync cycle now when commands wait or its configuration's ETag differs."""

    commands_pending: int
    config_etag: str


class Command(WireModel):
    id: int
    kind: CommandKind
    args: dict[str, Any]
    created_at: datetime
    expires_at: datetime


# -- records (the outbox) ------------------------------------------------------------------------

RecordKind = Literal["checkin", "feedback", "diagnostic", "usage_visit"]


class Record(WireModel):
    """Anything a visitor created on a terminal. ``id`` is made on the terminal (a UUID), so a batch
    sent twice is stored once."""

    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    kind: RecordKind
    created_at: datetime
    payload: dict[str, Any]


# The fields a terminal's kept copy of a record holds only sealed (common.sealed_box), as one JSON object under
# ``SEALED_FIELDS_KEY`` in the payload; the server opens it when the record is sent again after a restore.
KEPT_SEALED_FIELDS: dict[str, tuple[str, ...]] = {"feedback": ("phone",), "checkin": ("code",)}
SEALED_FIELDS_KEY = "sealed_fields"


class RecordBatch(WireModel):
    # Items stay raw here: one malformed record is rejected on its own, it never sinks its batch.
    records: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH_RECORDS)


class RejectedRecord(WireModel):
    id: str
    error: str


class RecordBatchResult(WireModel):
    accepted: list[str]
    # Already stored by an earlier delivery of the same record: the terminal may drop them too.
    duplicates: list[str]
    # Will never be accepted as they are: the terminal parks them with the error.
    rejected: list[RejectedRecord]
    # As in HeartbeatReply: the terminal seals the kept copies of the records confirmed here to this key.
    record_seal_key: str = Field(default="", max_length=64)


# -- event check-in ------------------------------------------------------------------------------

# The same names as common.checkin_rules.VerdictKind: the one decision, made on the kiosk or the server.
CheckinVerdictKind = Literal[
    "welcome", "checked_out", "already", "wrong_event", "not_open", "closed", "cancelled", "event_cancelled", "unreadable", "forged"
]
CheckinMode = Literal["online", "offline"]
MAX_CHECKIN_CODE_CHARS = 512  # a longer scan is cut to this before it is sent


class CheckinEvent(WireModel):
    """An event this terminal offers, with what it needs to check tickets in offline."""

    id: int
    title: Text
    organiser: str
    place: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime  # the check-in window
    closes_at: datetime
    capacity: int | None
    status: Literal["published", "cancelled"]
    # base64url; the seed of common.rotating_code for the phone check-in QR.
    phone_secret: str
    checked_in: int
    volunteer: bool = False  # a volunteer activity: a second scan checks out (common.checkin_rules)


class TicketPublicKey(WireModel):
    key_id: int
    public_key: str  # base64url of the raw 32-byte Ed25519 public key


class SealedName(WireModel):
    """An attendee's name, sealed with their ticket's text (common.tickets.seal_name)."""

    ticket_id: int
    sealed: str


class RecentCheckin(WireModel):
    ticket_id: int
    scanned_at: datetime
    terminal_name: str


class CheckinBundle(WireModel):
    """GET /terminal/checkin: everything a terminal needs to decide offline (ETag / If-None-Match → 304)."""

    etag: str
    events: list[CheckinEvent]
    public_keys: list[TicketPublicKey]
    revoked: list[int]  # ticket ids
    names: list[SealedName]
    recent: list[RecentCheckin]


class CheckinScan(WireModel):
    """POST /terminal/checkins: an online check. ``id`` is the id of the record the kiosk also puts in its
    outbox, so the server stores the scan once however it arrives."""

    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    code: str = Field(max_length=MAX_CHECKIN_CODE_CHARS)
    scanned_at: datetime
    nonce: str = Field(min_length=1, max_length=64)


class CheckinResult(WireModel):
    kind: CheckinVerdictKind
    event_id: int | None = None
    ticket_id: int | None = None
    prior_at: datetime | None = None
    prior_terminal: str | None = None
    # Volunteer activities: when the ticket checked out, for "already" after the check-out.
    prior_checked_out_at: datetime | None = None
    sealed_name: str | None = None


class CheckinRecord(WireModel):
    """Payload of a record of kind ``checkin``: every scan, accepted or refused, as the terminal decided it."""

    code: str = Field(max_length=MAX_CHECKIN_CODE_CHARS)
    scanned_at: datetime
    nonce: str = Field(min_length=1, max_length=64)
    verdict: CheckinVerdictKind
    mode: CheckinMode
    event_id: int | None = None
    ticket_id: int | None = None


# -- volunteers ------------------------------------------------------------------------------------


class VolunteerTeamCard(WireModel):
    id: int
    name: Text
    about: Text | None  # None: the team has no description in both languages
    leader: str  # masked (张*明); "" when the team has none
    members: int
    hours: float  # this year, one decimal


class VolunteerActivity(WireModel):
    """A volunteer activity still to come or under way; the kiosk's QR opens its sign-up page /e/<id>."""

    id: int
    title: Text
    team_id: int | None
    place: str
    starts_at: datetime
    ends_at: datetime
    registered: int
    capacity: int | None
    signup_open: bool


class VolunteerTotals(WireModel):
    year: int
    activities: int  # held this year (started, not cancelled)
    volunteers: int  # people credited with time this year
    hours: float


class VolunteerBoard(WireModel):
    """GET /terminal/volunteers: what the kiosk's volunteer screen shows (kept on the terminal for offline)."""

    generated_at: datetime
    teams: list[VolunteerTeamCard]
    activities: list[VolunteerActivity]
    totals: VolunteerTotals


class VolunteerHoursQuery(WireModel):
    """POST /terminal/volunteers/hours: a scanned ticket, whose holder's hours the kiosk shows."""

    code: str = Field(max_length=MAX_CHECKIN_CODE_CHARS)


class VolunteerServiceLine(WireModel):
    title: Text
    starts_at: datetime
    minutes: int


class VolunteerHoursAnswer(WireModel):
    # found: the holder's hours; not_volunteer: a genuine ticket whose holder is on no team and has served no
    # activity; unknown: not one of our tickets (unreadable, forged, cancelled)
    kind: Literal["found", "not_volunteer", "unknown"]
    name: str = ""  # masked
    team: Text | None = None
    year: int = 0
    activities: int = 0
    hours: float = 0.0
    recent: list[VolunteerServiceLine] = Field(default_factory=list, max_length=5)


# -- feedback --------------------------------------------------------------------------------------

# "F" + YYMMDD + "-" + 8 Crockford base32 characters taken from the record uuid.
FEEDBACK_TRACKING_PATTERN = r"^F[0-9]{6}-[0-9A-HJKMNP-TV-Z]{8}$"
FEEDBACK_CHECK_CODE_PATTERN = r"^[0-9]{6}$"
MAINLAND_MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
FEEDBACK_TEXT_MAX = 500
FeedbackSuppression = Literal["repeat", "identical", "rate_limit"]


class FeedbackRecord(WireModel):
    """Payload of a record of kind ``feedback``. Suppressed submissions travel too: operators see them
    counted apart from the inbox, so nothing a visitor pressed is lost silently."""

    tracking_number: str = Field(pattern=FEEDBACK_TRACKING_PATTERN)
    check_code: str = Field(pattern=FEEDBACK_CHECK_CODE_PATTERN)
    category: str = Field(min_length=1, max_length=40)
    # 5 = 非常满意 … 1 = 非常不满意; None where the category asks for no rating.
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str = Field(default="", max_length=FEEDBACK_TEXT_MAX)
    # Why, for a rating of 2 or less.
    reason: str | None = Field(default=None, max_length=FEEDBACK_TEXT_MAX)
    phone: str | None = Field(default=None, pattern=MAINLAND_MOBILE_PATTERN)
    consent: bool = False
    locale: str = Field(default="zh_CN", min_length=2, max_length=16)
    submitted_at: datetime
    suppressed: FeedbackSuppression | None = None
    followup_due: date | None = None


# -- building matters (楼事楼议) ----------------------------------------------------------------------

MatterStatus = Literal["raised", "assigned", "in_progress", "resolved"]
MatterUnitKind = Literal["", "operator", "property", "company", "department", "street"]


class BoardMatter(WireModel):
    """A matter as the public board shows it: never who raised it beyond a masked name."""

    id: int
    title: str = Field(max_length=80)
    description: str = Field(max_length=2000)
    raised_by: str = Field(max_length=60)  # masked (张**, 百****); empty: a visitor at a kiosk
    raised_via: Literal["kiosk", "console", "feedback"]
    raised_at: datetime
    status: MatterStatus
    unit_kind: MatterUnitKind
    unit_name: str = Field(max_length=80)
    meeting_title: str = Field(default="", max_length=120)
    deadline: date | None = None
    # What was done (resolved) or the latest public progress note (open).
    resolution: str = Field(default="", max_length=2000)
    progress: str = Field(default="", max_length=2000)
    resolved_at: datetime | None = None
    overdue: bool = False


class MatterCounts(WireModel):
    year: int
    raised: Count
    resolved: Count
    open: Count


class ConventionItem(WireModel):
    title: str = Field(max_length=40)
    text: str = Field(default="", max_length=400)


class Convention(WireModel):
    version: int
    title: str = Field(max_length=80)
    preamble: str = Field(default="", max_length=2000)
    items: list[ConventionItem] = Field(max_length=40)
    updated_at: datetime


class MattersBoard(WireModel):
    """GET /terminal/matters: the board (ETag / If-None-Match → 304), cached on the terminal."""

    etag: str
    generated_at: datetime
    counts: MatterCounts
    resolved: list[BoardMatter] = Field(max_length=200)
    open: list[BoardMatter] = Field(max_length=200)
    convention: Convention | None = None
# -- micro-wish wall -------------------------------------------------------------------------------

WishCardStatus = Literal["open", "claimed", "fulfilled"]


class WishCard(WireModel):
    """A published wish as the wall shows it: only the operator's public wording, never a name or a phone."""

    id: int
    status: WishCardStatus
    title: str
    for_whom: str = ""
    posted_on: date
    team: Text | None = None  # the claiming team, once claimed
    fulfilled_on: date | None = None
    path: str  # the wish's phone page (/w/<id>): the kiosk puts its public base in front for the QR


class WishCounts(WireModel):
    """This year's wishes (the centre's local year): published, claimed (fulfilled ones included), fulfilled."""

    year: int
    posted: int
    claimed: int
    fulfilled: int


class WishWall(WireModel):
    """GET /terminal/wishes: the wall (ETag / If-None-Match → 304), cached by the terminal for offline use."""

    etag: str
    generated_at: datetime
    counts: WishCounts
    cards: list[WishCard]
# -- space booking ---------------------------------------------------------------------------------

BookingSlotState = Literal["free", "full", "past", "closed"]
BookingRefusal = Literal["taken", "daily_limit", "too_far_ahead", "past", "closed", "not_a_slot", "no_space"]
PassVerdictKind = Literal[
    "welcome", "already", "too_early", "released", "cancelled", "wrong_space", "expired", "forged", "unreadable",
    "not_a_pass",
]
BOOKING_NAME_MAX = 40
BOOKING_COMPANY_MAX = 120
MAX_PASS_CODE_CHARS = MAX_CHECKIN_CODE_CHARS


class BookingSlot(WireModel):
    starts_at: datetime
    ends_at: datetime
    state: BookingSlotState
    free: int  # places still free (a room taken whole has one)


class BookingDay(WireModel):
    day: date
    slots: list[BookingSlot]
    closed_reason: str = ""  # a closure's reason when the space is closed that day


class BookingSpace(WireModel):
    id: int
    name: Text
    place: str
    capacity: int
    slot_minutes: int
    max_minutes_per_day: int
    days_ahead: int
    release_minutes: int = 15  # a booking not checked in this long after its start is released
    days: list[BookingDay]


class BookingGrid(WireModel):
    """GET /terminal/booking/slots: every bookable space and its free slots from today on."""

    spaces: list[BookingSpace]


class BookingRequest(WireModel):
    """POST /terminal/booking/bookings. ``id`` is the client's own: the same request sent again (a retry after a
    timeout) gets the same booking instead of a second one."""

    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    space_id: Id
    starts_at: datetime
    slots: int = Field(default=1, ge=1, le=48)
    name: str = Field(min_length=1, max_length=BOOKING_NAME_MAX)
    company: str = Field(default="", max_length=BOOKING_COMPANY_MAX)
    phone: str = Field(pattern=MAINLAND_MOBILE_PATTERN)

    @field_validator("name", "company", mode="before")
    @classmethod
    def _printable(cls, value: object) -> object:
        # A name goes on the pass, the console and the calendar: no control or format characters; stripped first,
        # so a blank name is too short.
        if not isinstance(value, str):
            return value
        if any(unicodedata.category(char)[0] == "C" for char in value):
            raise ValueError("control characters are not allowed")
        return value.strip()


class BookingPassInfo(WireModel):
    booking_id: int
    space_id: int
    space: Text
    place: str
    starts_at: datetime
    ends_at: datetime
    masked_name: str
    masked_phone: str
    pass_text: str
    page_path: str  # the pass's phone page on the server, e.g. /b/p/<token>


class BookingOutcome(WireModel):
    """A booking made, or why not and the nearest free slot of the same length in the same space."""

    booking: BookingPassInfo | None = None
    refused: BookingRefusal | None = None
    nearest: BookingSlot | None = None


class PassScan(WireModel):
    """POST /terminal/booking/checkins: a scanned pass, and the spaces this terminal checks in (empty: all)."""

    code: str = Field(max_length=MAX_PASS_CODE_CHARS)
    space_ids: list[Id] = Field(default_factory=list, max_length=100)


class PassVerdict(WireModel):
    kind: PassVerdictKind
    space: Text | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    opens_at: datetime | None = None  # when check-in opens (too early)
    masked_name: str = ""
    checked_in_at: datetime | None = None


class PassCancel(WireModel):
    """POST /terminal/booking/cancellations: the pass of the booking to cancel."""

    code: str = Field(max_length=MAX_PASS_CODE_CHARS)
# -- usage (anonymous visits) ---------------------------------------------------------------------

UsageVia = Literal["search", "department", "life_event", "popular"]
UsageModule = Literal["guide", "checkin", "feedback"]
UsageEnd = Literal["idle", "home", "finished"]
MAX_USAGE_QUERY_CHARS = 100
MAX_USAGE_ITEMS = 50  # views or searches kept per visit: a visit with more is a stuck finger, not a visitor
SERVICE_CODE = Annotated[str, Field(min_length=1, max_length=20)]


class UsageServiceView(WireModel):
    code: SERVICE_CODE
    via: UsageVia
    qr_shown: bool = False
    printed: bool = False


class UsageSearch(WireModel):
    """The final query of one search (never one that looks personal: common.usage_privacy), how many results it
    found, the first few of them, and which one the visitor opened (None: none)."""

    query: str = Field(min_length=1, max_length=MAX_USAGE_QUERY_CHARS)
    results: Count
    top: list[SERVICE_CODE] = Field(default_factory=list, max_length=3)
    opened: SERVICE_CODE | None = None


class UsageVisitRecord(WireModel):
    """Payload of a record of kind ``usage_visit``: one visit, from the first touch to the idle reset, with nothing
    that names the visitor (no names, texts, phone numbers; personal-looking queries are dropped on the kiosk)."""

    started_at: datetime  # to the minute
    seconds: int = Field(ge=0, le=86_400)
    language: str = Field(min_length=2, max_length=16)
    large_text: bool = False
    modules: list[UsageModule] = Field(default_factory=list, max_length=3)
    views: list[UsageServiceView] = Field(default_factory=list, max_length=MAX_USAGE_ITEMS)
    searches: list[UsageSearch] = Field(default_factory=list, max_length=MAX_USAGE_ITEMS)
    checkins: Count = 0
    feedback: Count = 0
    ended: UsageEnd
