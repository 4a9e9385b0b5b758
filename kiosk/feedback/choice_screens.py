"""Feedback, first steps: the step indicator shared by every feedback screen, the category and the
five-level rating with large labelled faces. ``kiosk.feedback.controller`` fills them and moves between them."""

from pathlib import Path

from kivy.app import App
from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from screens.icons import ICONS
from screens.widgets import GridTile

# Rating -> face colour. Colour is one cue of three: the face's mouth and the words say the same.
RATING_COLOURS = {
    5: (0.09, 0.45, 0.23, 1),
    4: (0.24, 0.53, 0.13, 1),
    3: (0.62, 0.45, 0.0, 1),
    2: (0.78, 0.33, 0.09, 1),
    1: (0.72, 0.13, 0.13, 1),
}
# Rating -> how far the mouth curves up (a smile) or down, as a share of the face's size.
_MOUTH_CURVE = {5: 0.2, 4: 0.11, 3: 0.0, 2: -0.11, 1: -0.2}


def grouped(phone: str) -> str:
    """138 1234 1234, as people read a mobile number back."""
    return " ".join(part for part in (phone[:3], phone[3:7], phone[7:]) if part)


def due_date(due, lang: str) -> str:
    """A (year, month, day) as the language writes a date."""
    if not due:
        return ""
    year, month, day = due
    return f"{year}年{month}月{day}日" if lang.startswith("zh") else f"{year}-{month:02d}-{day:02d}"


class StepChip(BoxLayout):
    number = NumericProperty(1)
    word = StringProperty("")
    state = OptionProperty("todo", options=("done", "current", "todo"))


class StepBar(BoxLayout):
    """Where the visitor is: numbered steps, the done ones ticked, the current one filled."""

    words = ListProperty()  # gettext msgids of the steps
    index = NumericProperty(0)

    def on_kv_post(self, _base_widget):
        self.bind(words=self._rebuild, index=self._rebuild)
        App.get_running_app().bind(lang=self._rebuild)

    def _rebuild(self, *_args):
        _ = App.get_running_app().tr._
        self.clear_widgets()
        for number, word in enumerate(self.words):
            state = "done" if number < self.index else "current" if number == self.index else "todo"
            self.add_widget(StepChip(number=number + 1, word=_(word), state=state))


class FeedbackStepScreen(Screen):
    """A step of the feedback flow: the step bar's content, and an error message (a msgid)."""

    step_words = ListProperty()
    step_index = NumericProperty(0)
    error = StringProperty("")
    # The number a message with %d shows (the text limit).
    error_arg = NumericProperty(0)
    # The chosen category's title (a Text: both languages, so a language switch shows the other).
    category_title = ObjectProperty(None, allownone=True)

    def reset(self):
        self.error, self.category_title = "", None


class FeedbackCategoryScreen(FeedbackStepScreen):
    # [(key, title as a Text, icon name)]
    categories = ListProperty()

    def on_kv_post(self, _base_widget):
        self.bind(categories=self._rebuild)
        App.get_running_app().bind(lang=self._rebuild)

    def _rebuild(self, *_args):
        app = App.get_running_app()
        grid = self.ids.categories
        grid.clear_widgets()
        for key, title, icon in self.categories:
            tile = GridTile(key=key, title=title.get(app.lang), icon=ICONS.get(icon, ICONS["feedback"]), icon_scale=2.6)
            tile.bind(on_release=lambda widget: app.feedback.choose_category(widget.key))
            grid.add_widget(tile)


class RatingFace(Widget):
    """A face drawn in the rating's colour: the mouth smiles for 5, is straight for 3, frowns for 1."""

    rating = NumericProperty(3)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, rating=self._draw)

    def _draw(self, *_args):
        self.canvas.clear()
        size = min(self.width, self.height)
        x, y = self.center_x - size / 2, self.center_y - size / 2
        cx, cy = self.center
        curve = _MOUTH_CURVE.get(int(self.rating), 0.0) * size
        with self.canvas:
            Color(*RATING_COLOURS.get(int(self.rating), (0.5, 0.5, 0.5, 1)))
            Ellipse(pos=(x, y), size=(size, size))
            Color(1, 1, 1, 1)
            eye = size * 0.12
            for side in (-1, 1):
                Ellipse(pos=(cx + side * size * 0.18 - eye / 2, cy + size * 0.1), size=(eye, eye * 1.25))
            # A quadratic curve: the control point below the ends makes a smile, above them a frown.
            mouth_y = cy - size * 0.2 + max(curve, 0) * 0.5
            Line(
                bezier=(cx - size * 0.24, mouth_y, cx, mouth_y - curve * 2, cx + size * 0.24, mouth_y),
                width=max(size * 0.045, 2),
                cap="round",
            )


class RatingButton(ButtonBehavior, BoxLayout):
    rating = NumericProperty(3)
    word = StringProperty("")  # gettext msgid
    selected_rating = NumericProperty(0)


class FeedbackRatingScreen(FeedbackStepScreen):
    # 0 until the visitor chooses.
    rating = NumericProperty(0)

    def reset(self):
        super().reset()
        self.rating = 0


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
