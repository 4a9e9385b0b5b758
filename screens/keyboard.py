"""The on-screen keyboard with pinyin input: letters, a candidate bar, digits and punctuation.

How to embed it (a .kv rule; the App's ``input_method`` is loaded after the first frame)::

    PinyinKeyboard:
        id: keyboard
        input_method: app.input_method   # a services.devices.ime.InputMethod, or None while it loads
        target: some_text_input          # or a screen/widget; edits its ``target_property`` ("text")
        on_done: root.submit()           # the 完成 key, with nothing being composed
        on_edit: root.changed()          # optional: after every change to the target's text

Properties: ``target``, ``target_property`` ("text"), ``max_length`` (0: no limit), ``chinese``
(True: letters compose pinyin; False: letters type themselves), ``inline`` (True: the pinyin being
composed is also written into the target, as the guide search wants), ``page_size`` (most candidates
on the bar at once; fewer when they do not fit). ``commit()`` turns what is being composed into text
(first candidates), for a Next button outside the keyboard. Read-only:
``composition`` (the pinyin typed so far), ``page`` ("letters" or "symbols"). Call ``reset()`` when the
visitor leaves: the composition is dropped, the mode goes back to Chinese; the target is left alone. Each
pick is learnt by the input method (offered first again); the App makes it forget when the visitor's
session is wiped (``KioskApp.reset_session``), not here: clearing a field is no new visitor.
A TextInput target is edited as a whole string, at its end: the kiosk has no cursor keys.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from screens.icons import ICONS
from screens.widgets import translate_label
from services.devices.ime import normalize, segmentations
from services.devices.ime.syllables import MAX_LETTERS

# Three rows of 10, 9 and 9 keys; what each key types follows the page and the mode.
LETTERS = {True: ("qwertyuiop", "asdfghjkl", "zxcvbnm，。"), False: ("qwertyuiop", "asdfghjkl", "zxcvbnm,.")}
# The 123 page: Chinese punctuation in Chinese mode, ASCII in English mode.
SYMBOLS = {True: ("1234567890", "，。？！、：；“”", "（）《》…—-@."), False: ("1234567890", ",.?!:;'\"&", "()-+/@#_%")}
MAX_COMPOSITION = MAX_LETTERS  # services.devices.ime reads no more
CANDIDATES = 48  # looked up at once, then paged


class PinyinKeyboard(BoxLayout):
    __events__ = ("on_done", "on_edit")

    input_method = ObjectProperty(None, allownone=True)
    target = ObjectProperty(None, allownone=True)
    target_property = StringProperty("text")
    max_length = NumericProperty(0)
    chinese = BooleanProperty(True)
    inline = BooleanProperty(False)
    page_size = NumericProperty(10)
    page = OptionProperty("letters", options=("letters", "symbols"))
    composition = StringProperty("")
    # What the bar shows: the composition read as syllables, and this page of candidates.
    reading = StringProperty("")
    shown = ListProperty()
    can_page_back = BooleanProperty(False)
    can_page_on = BooleanProperty(False)
    waiting_for_dictionary = BooleanProperty(False)

    def __init__(self, **kwargs):
        self._candidates = []
        self._first, self._end, self._starts = 0, 0, []  # this page's span, and where earlier pages began
        super().__init__(**kwargs)

    def on_kv_post(self, _base_widget):
        self._build_keys()
        self.bind(chinese=self._relabel, page=self._relabel, input_method=self._lookup, page_size=self._show_page)
        self.bind(shown=self._fill_bar)
        self.ids.candidates.bind(width=self._show_page)
        self._relabel()

    # -- the keys -----------------------------------------------------------------------------

    def _build_keys(self):
        app = App.get_running_app()
        self._char_keys = []  # row by row; what each types follows the page and the mode
        for letters in LETTERS[True]:
            row = Factory.KeyRow()
            self.ids.rows.add_widget(row)
            for _ in letters:
                key = Factory.KeyButton()
                key.bind(on_release=self._on_char)
                row.add_widget(key)
                self._char_keys.append(key)
        backspace = Factory.BackspaceKey(icon=ICONS["backspace"])
        translate_label(app, backspace, N_("Delete"))
        backspace.bind(on_release=lambda _key: self.backspace())
        row.add_widget(backspace)
        bottom = Factory.KeyRow()
        self.ids.rows.add_widget(bottom)
        self.mode_key = Factory.ModeKey(size_hint_x=1.4)
        self.mode_key.bind(on_release=lambda _key: self.toggle_chinese())
        self.page_key = Factory.ModeKey(size_hint_x=1.4)
        self.page_key.bind(on_release=lambda _key: self.toggle_page())
        self.space_key = Factory.KeyButton(size_hint_x=4)
        translate_label(app, self.space_key, N_("Space"))
        self.space_key.bind(on_release=lambda _key: self.space())
        self.done_key = Factory.DoneKey(size_hint_x=1.8)
        translate_label(app, self.done_key, N_("Done"))
        self.done_key.bind(on_release=lambda _key: self.enter())
        for key in (self.mode_key, self.page_key, self.space_key, self.done_key):
            bottom.add_widget(key)
        self.backspace_key = backspace

    def _relabel(self, *_args):
        rows = (LETTERS if self.page == "letters" else SYMBOLS)[self.chinese]
        for key, char in zip(self._char_keys, "".join(rows), strict=False):
            key.char = key.label = char
        self.mode_key.label = "中" if self.chinese else "英"
        self.page_key.label = "123" if self.page == "letters" else ("拼音" if self.chinese else "ABC")

    def _on_char(self, key):
        if key.char.isalpha() and key.char.isascii():
            self.type_letter(key.char)
        else:
            self.type_symbol(key.char)

    # -- what the keys do (public: tests and screens may call them too) --------------------------

    def type_letter(self, letter: str):
        if not self.chinese:
            self._insert(letter)
        elif len(self.composition) < MAX_COMPOSITION:
            self._compose(self.composition + letter)

    def type_symbol(self, symbol: str):
        # A punctuation mark ends a phrase: what is being composed goes in first, as words.
        self.commit()
        self._insert(symbol)

    def commit(self):
        """Finish the composition: first candidates until every letter is used (letters with no
        reading go in as typed). A form's Next button calls this before reading its text."""
        while self.composition and self._candidates:
            self.pick(0)
        if self.composition:
            self._commit_letters()

    def backspace(self):
        if self.composition:
            self._compose(self.composition[:-1])
        else:
            text = self._read()
            if text:
                self._write(text[:-1])

    def space(self):
        if not self.composition:
            self._insert(" ")
        elif self._candidates:
            self.pick(0)
        else:
            self._commit_letters()

    def enter(self):
        # As desktop input methods do: Enter while composing keeps the letters as typed.
        if self.composition:
            self._commit_letters()
        else:
            self.dispatch("on_done")

    def pick(self, index: int):
        """Insert candidate ``index`` (counted from the first candidate, not the page); the rest of
        the pinyin stays composed for the next pick."""
        if not 0 <= index < len(self._candidates):
            return
        candidate = self._candidates[index]
        if self.input_method is not None:
            self.input_method.learn(candidate.text)  # offered first again to this visitor only
        rest = candidate.rest(self.composition)
        base = self._committed()
        self._compose("", write=False)
        self._write(base + candidate.text)
        self._compose(rest)

    def toggle_chinese(self):
        if self.composition:
            self._commit_letters()
        self.chinese = not self.chinese

    def toggle_page(self):
        if self.composition:
            self._commit_letters()
        self.page = "symbols" if self.page == "letters" else "letters"

    def page_on(self):
        if self._end < len(self._candidates):
            self._starts.append(self._first)
            self._first = self._end
            self._show_page()

    def page_back(self):
        if self._starts:
            self._first = self._starts.pop()
            self._show_page()

    def reset(self):
        self._compose("", write=False)
        self.chinese = True
        self.page = "letters"

    # -- composition and candidates ---------------------------------------------------------------

    def _compose(self, letters: str, write: bool = True):
        base = self._committed()
        self.composition = letters
        if self.inline and write:
            self._write(base + letters)
        self._lookup()

    def _commit_letters(self):
        letters = self.composition
        base = self._committed()
        self._compose("", write=False)
        self._write(base + letters)

    def _lookup(self, *_args):
        letters = normalize(self.composition)
        ime = self.input_method
        self.waiting_for_dictionary = bool(letters) and ime is None
        self._candidates = ime.candidates(letters, CANDIDATES) if letters and ime is not None else []
        readings = segmentations(letters) if letters else []
        self.reading = "'".join(readings[0]) if readings else self.composition
        self._first, self._starts = 0, []
        self._show_page()

    def _show_page(self, *_args):
        # As many candidates as fit on the bar (up to page_size), by their estimated width.
        app = App.get_running_app()
        room = self.ids.candidates.width
        end = self._first
        while end < len(self._candidates) and end - self._first < self.page_size:
            room -= len(self._candidates[end].text) * app.theme.title + dp(44)
            if room < 0 and end > self._first:
                break
            end += 1
        self._end = end
        self.shown = [candidate.text for candidate in self._candidates[self._first : end]]
        self.can_page_back = bool(self._starts)
        self.can_page_on = end < len(self._candidates)

    def _fill_bar(self, *_args):
        bar = self.ids.candidates
        bar.clear_widgets()
        for offset, text in enumerate(self.shown):
            button = Factory.CandidateButton(label=text)
            button.bind(on_release=lambda _button, index=self._first + offset: self.pick(index))
            bar.add_widget(button)

    # -- the target -----------------------------------------------------------------------------

    def _read(self) -> str:
        if self.target is None:
            return ""
        return getattr(self.target, self.target_property) or ""

    def _committed(self) -> str:
        """The target's text without the composition written into it (inline mode)."""
        text = self._read()
        if self.inline and self.composition and text.endswith(self.composition):
            return text[: -len(self.composition)]
        return text

    def _insert(self, text: str):
        self._write(self._committed() + text)

    def _write(self, text: str):
        if self.target is None:
            return
        if self.max_length:
            text = text[: int(self.max_length)]
        setattr(self.target, self.target_property, text)
        if hasattr(self.target, "cursor") and hasattr(self.target, "get_cursor_from_index"):
            self.target.cursor = self.target.get_cursor_from_index(len(text))  # a TextInput: caret at the end
        self.dispatch("on_edit")

    def on_done(self):
        pass

    def on_edit(self):
        pass


DIGIT_PAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "backspace")


def fill_digit_pad(pad, press) -> None:
    """The phone-number pad's twelve keys into ``pad``: digits, then clear and delete; ``press(key)`` on each tap."""
    app = App.get_running_app()
    for key in DIGIT_PAD_KEYS:
        if key in ("clear", "backspace"):
            button = Factory.KeyButton(icon=ICONS[key])
            translate_label(app, button, N_("Delete") if key == "backspace" else N_("Clear"))
        else:
            button = Factory.KeyButton(label=key)
        button.bind(on_release=lambda _button, key=key: press(key))
        pad.add_widget(button)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
