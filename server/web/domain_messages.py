"""Msgids the console shows that the server's domain rules and the wire protocol produce as plain English
(an account or feedback rule's refusal, a check-in's verdict, mode and source): marked here for Babel, since
the code that makes them does not translate, and translated where the page shows them (``_(message)``).
When a rule's message changes, change it here too; tests/test_translations.py cannot see it."""

from __future__ import annotations

from server.web.i18n import N_

# server/accounts/users.py (AccountRefused), with the account limits it names filled in.
ACCOUNT_RULES = (
    N_("The password needs 8 to 200 characters."),
    N_("A username needs 1 to 80 printable characters, without spaces at either end."),
    N_("The role is admin or operator."),
    N_("That username is taken."),
    N_("You cannot demote your own account."),
    N_("The last admin cannot be demoted."),
    N_("You cannot delete your own account."),
    N_("The last admin cannot be deleted."),
)
# server/feedback/workflow.py (FeedbackRefused).
FEEDBACK_RULES = (
    N_("A rejection needs a reason."),
    N_("The note is empty."),
    N_("The reply is empty."),
    N_("No such staff account."),
)
# server/matters (MatterRefused): matters, meetings, the convention, and the console's date fields.
MATTER_RULES = (
    N_("This field is required."),
    N_("This text is too long."),
    N_("Give the date as YYYY-MM-DD."),
    N_("Give the meeting's date."),
    N_("An item is too long."),
    N_("Too many items."),
    N_("Choose the meeting that decided it."),
    N_("Choose the member unit."),
    N_("Only an assigned matter can be resolved."),
    N_("Only an open matter can be assigned."),
    N_("The deadline is before the meeting."),
    N_("This item has no text to raise."),
    N_("This matter cannot take that step now."),
    N_("Unknown origin."),
)
# common/wire.py: CheckinVerdictKind, a check-in's mode; server/events/schemas.py: a registration's source.
CHECKIN_VERDICTS = (
    N_("welcome"), N_("checked_out"), N_("already"), N_("wrong_event"), N_("not_open"), N_("closed"), N_("cancelled"),
    N_("event_cancelled"), N_("unreadable"), N_("forged"),
)
CHECKIN_MODES = (N_("online"), N_("offline"), N_("phone"))
REGISTRATION_SOURCES = (N_("import"), N_("self"))
