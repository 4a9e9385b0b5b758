"""The feedback controller: which step comes next, the draft between the steps, submitting and the receipt.

Steps: category -> rating (only where the category asks for one) -> text (for a rating of 不满意 or
非常不满意 the text is the required reason) -> optional phone -> review -> receipt. The screens only
show what this hands them and call back here; the draft lives here and is wiped with the session.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from kivy.clock import mainthread

from common.feedback_rules import NEGATIVE_RATING, Draft, FeedbackError, Problem, displayable, mask_phone, problems
from common.feedback_rules import status_url as build_status_url
from kiosk.host import KioskHost
from kiosk.i18n import N_
from kiosk.phone_links import phone_base
from services.devices.printer import feedback_slip
from services.feedback.desk import FeedbackDesk

log = logging.getLogger(__name__)

# Rating -> gettext msgid, the words of the national five-level scheme (政务服务好差评).
RATING_WORDS = {
    5: N_("Very satisfied"),
    4: N_("Satisfied"),
    3: N_("Basically satisfied"),
    2: N_("Dissatisfied"),
    1: N_("Very dissatisfied"),
}
STEP_WORDS = {
    "category": N_("Category"),
    "rating": N_("Rating"),
    "text": N_("Details"),
    "phone": N_("Phone"),
    "review": N_("Confirm"),
}
# What a broken rule says on screen: (msgid, uses the limit as %d).
PROBLEM_WORDS = {
    "empty": N_("Please write a few words first."),
    "too_long": N_("At most %d characters, please shorten it."),
    "reason_required": N_("Please tell us what went wrong, so it can be put right."),
    "invalid_phone": N_("That is not a mainland mobile number (11 digits, starting with 1)."),
    "consent_required": N_("Please agree to be contacted, or go on without a phone number."),
    "rating_required": N_("Please choose a rating."),
}


class FeedbackController:
    def __init__(self, host: KioskHost):
        self.host = host
        self.desk = FeedbackDesk(host.store, host.kiosk_settings.feedback)
        self.draft = Draft()
        self.receipt = None
        self.submitting = False
        # Counts wiped sessions: a submission finishing after the visitor's session was wiped shows nothing.
        self._session = 0

    @property
    def settings(self):
        return self.host.kiosk_settings.feedback

    # -- moving between the steps ----------------------------------------------------------------

    def start(self) -> None:
        self.reset()
        self._show("category")

    def steps(self) -> list[str]:
        category = self.settings.category(self.draft.category)
        rating = ["rating"] if category is None or category.rating else []
        return ["category", *rating, "text", "phone", "review"]

    def _show(self, step: str) -> None:
        if step != "category" and self.settings.category(self.draft.category) is None:
            self.start()  # new settings from the server dropped the chosen category meanwhile
            return
        screen = self.host.screens[f"feedback_{step}"]
        steps = self.steps()
        screen.step_words = [STEP_WORDS[name] for name in steps]
        screen.step_index = steps.index(step)
        getattr(self, f"_fill_{step}")(screen)
        self.host.navigator.go(screen.name)

    def _next(self, after: str) -> None:
        steps = self.steps()
        self._show(steps[steps.index(after) + 1])

    # -- category and rating ---------------------------------------------------------------------

    def _fill_category(self, screen) -> None:
        screen.categories = [(c.key, c.title, c.icon) for c in self.settings.categories]

    def choose_category(self, key: str) -> None:
        if self.settings.category(key) is None:
            return
        if key != self.draft.category:  # another kind of feedback: what was entered for the last one goes
            self.draft = Draft(category=key)
            for step in ("rating", "text", "phone"):
                if f"feedback_{step}" in self.host.screens:
                    self.host.screens[f"feedback_{step}"].reset()
        self._next("category")

    def _fill_rating(self, screen) -> None:
        screen.rating = self.draft.rating or 0

    def rating_done(self, rating: int) -> None:
        if rating not in RATING_WORDS:
            return
        self.draft.rating = rating
        self._next("rating")

    # -- text (or the reason for a negative rating) ----------------------------------------------

    def needs_reason(self) -> bool:
        return self.draft.rating is not None and self.draft.rating <= NEGATIVE_RATING

    def _fill_text(self, screen) -> None:
        category = self.settings.category(self.draft.category)
        screen.limit = self.settings.max_text_length
        if self.needs_reason():
            screen.mode = "reason"
        elif category.rating:
            screen.mode = "comment"
        else:
            screen.mode = "text"
        screen.category_title = category.title
        # What is on the screen but not confirmed yet (the visitor went back a step) stays.
        screen.text = (self.draft.reason if self.needs_reason() else self.draft.text) or screen.text
        screen.error, screen.error_arg = "", 0

    def text_done(self, text: str) -> None:
        if self.needs_reason():
            self.draft.reason, self.draft.text = text, ""
        else:
            self.draft.text, self.draft.reason = text, ""
        field = "reason" if self.needs_reason() else "text"
        problem = next((p for p in self._problems() if p.field == field), None)
        if problem is not None:
            self._show_problem(self.host.screens["feedback_text"], problem)
            return
        self._next("text")

    # -- phone -----------------------------------------------------------------------------------

    def _fill_phone(self, screen) -> None:
        screen.phone, screen.consent = self.draft.phone or screen.phone, self.draft.consent or screen.consent
        screen.error = ""

    def phone_done(self, phone: str, consent: bool) -> None:
        self.draft.phone, self.draft.consent = phone, consent
        problem = next((p for p in self._problems() if p.field == "phone"), None)
        if problem is not None:
            self._show_problem(self.host.screens["feedback_phone"], problem)
            return
        self._next("phone")

    def skip_phone(self) -> None:
        self.draft.phone, self.draft.consent = "", False
        self.host.screens["feedback_phone"].reset()
        self._next("phone")

    # -- review, submit, receipt -----------------------------------------------------------------

    def _fill_review(self, screen) -> None:
        draft = self.draft
        screen.category_title = self.settings.category(draft.category).title
        screen.rating = draft.rating or 0
        screen.rating_words = RATING_WORDS.get(draft.rating, "")
        screen.body = displayable(draft.reason if self.needs_reason() else draft.text)
        screen.reason = self.needs_reason()
        screen.phone_masked = mask_phone(draft.phone) if draft.phone else ""
        screen.followup_days = self.settings.followup_working_days if self.needs_reason() else 0
        screen.submitting, screen.error = False, ""

    def submit(self) -> None:
        """On a worker thread (an fsync'd commit); the receipt shows once the record is on disk."""
        if self.submitting:
            return  # a second press while the first is being stored
        self.submitting = True
        self.host.screens["feedback_review"].submitting = True
        self.draft.locale = self.host.lang
        self.desk.settings = self.settings
        draft = Draft(**vars(self.draft))
        threading.Thread(target=self._submit_worker, args=(draft, self._session), name="feedback", daemon=True).start()

    def _submit_worker(self, draft: Draft, session: int) -> None:
        try:
            receipt, error = self.desk.submit(draft), None
        except FeedbackError as exc:
            receipt, error = None, exc
        except Exception as exc:  # the store failed: the visitor must not be told "received"
            log.exception("storing feedback failed")
            receipt, error = None, exc
        self._submitted(draft, receipt, error, session)

    @mainthread
    def _submitted(self, draft: Draft, receipt, error, session: int) -> None:
        self.submitting = False
        if session != self._session:
            return  # wiped meanwhile (idle timeout): the record is stored, the next visitor sees nothing of it
        review = self.host.screens["feedback_review"]
        review.submitting = False
        if receipt is None:
            if isinstance(error, FeedbackError):
                log.warning("feedback refused: %s", error)
            review.error = N_("Your feedback could not be saved. Please try again or ask staff for help.")
            return
        log.info("feedback %s queued (suppressed: %s)", receipt.tracking_number, receipt.suppressed)
        self.receipt = receipt
        self.host.usage.counted("feedback")
        self._receipt_category = self.settings.category(draft.category)
        self._receipt_rating = draft.rating
        # Submitted: nothing of what was typed stays on the screens.
        self.draft = Draft()
        for step in ("category", "rating", "text", "phone", "review"):
            self.host.screens[f"feedback_{step}"].reset()
        self._fill_receipt(self.host.screens["feedback_receipt"])
        self.host.navigator.go("feedback_receipt")

    def status_url(self) -> str:
        """The status page for the QR (kiosk/phone_links.py); "" when the kiosk knows no server."""
        base = phone_base(self.host, self.settings.status_url_base)
        return build_status_url(base, self.receipt.tracking_number, self.receipt.check_code) if base else ""

    def _fill_receipt(self, screen) -> None:
        from common.qr import qr_image
        from kiosk.textures import texture_from_image

        receipt = self.receipt
        url = self.status_url()
        screen.tracking_number, screen.check_code = receipt.tracking_number, receipt.check_code
        screen.suppressed = receipt.suppressed or ""
        due = receipt.followup_due
        screen.followup_due = (due.year, due.month, due.day) if due else ()
        screen.status_url = url
        screen.qr_texture = texture_from_image(qr_image(url, box_size=4, border=1)) if url else None

    def print_receipt(self) -> None:
        host = self.host
        if self.receipt is None or host.printing or not host.printer_enabled:
            return
        category, receipt = self._receipt_category, self.receipt
        slip = feedback_slip(
            host.lang,
            category_title=category.title.get(host.lang),
            rating_label=host.tr._(RATING_WORDS[self._receipt_rating]) if self._receipt_rating else None,
            tracking_number=receipt.tracking_number,
            check_code=receipt.check_code,
            followup_due=receipt.followup_due,
            status_url=self.status_url() or None,
            terminal_name=host.kiosk_settings.terminal.name,
            printed_at=datetime.now(),
            centre_name=host.kiosk_settings.terminal.centre_name.get(host.lang),
        )
        host.print_slip(slip)

    # -- the session -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Wipe the draft and the receipt (a new visitor, or the idle timeout)."""
        self._session += 1
        self.draft = Draft()
        self.receipt = None
        if self.host.input_method is not None:
            self.host.input_method.forget()  # the words picked for the draft go with it
        for name in list(self.host.screens):
            if name.startswith("feedback_"):
                self.host.screens[name].reset()

    def _problems(self) -> list[Problem]:
        return problems(self.draft, self.settings)

    def _show_problem(self, screen, problem: Problem) -> None:
        screen.error = PROBLEM_WORDS.get(problem.code, N_("Please check what you entered."))
        screen.error_arg = self.settings.max_text_length
