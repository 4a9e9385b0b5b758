"""Feedback, the last steps: review what will be sent, then the receipt with the tracking number,
check code, the QR of the status page, the reply date for a negative rating, and print."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.feedback.choice_screens import FeedbackStepScreen


class FeedbackReviewScreen(FeedbackStepScreen):
    rating = NumericProperty(0)
    rating_words = StringProperty("")  # gettext msgid
    body = StringProperty("")
    # True: ``body`` is the reason for a negative rating.
    reason = BooleanProperty(False)
    phone_masked = StringProperty("")
    # Working days to a reply for a negative rating; 0: none promised.
    followup_days = NumericProperty(0)
    submitting = BooleanProperty(False)

    def reset(self):
        super().reset()
        self.rating, self.rating_words, self.body = 0, "", ""
        self.reason, self.phone_masked, self.followup_days, self.submitting = False, "", 0, False


class FeedbackReceiptScreen(FeedbackStepScreen):
    tracking_number = StringProperty("")
    check_code = StringProperty("")
    # "" or the anti-abuse rule that matched: "repeat", "identical", "rate_limit".
    suppressed = StringProperty("")
    # (year, month, day) of the promised reply, or empty.
    followup_due = ListProperty()
    status_url = StringProperty("")
    qr_texture = ObjectProperty(None, allownone=True)

    def reset(self):
        super().reset()
        self.tracking_number, self.check_code, self.suppressed = "", "", ""
        self.followup_due, self.status_url, self.qr_texture = [], "", None


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
