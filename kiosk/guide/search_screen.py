"""Search as you type on the pinyin keyboard; an empty result offers the browse views."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from screens.keyboard import PinyinKeyboard  # noqa: F401  (the .kv rule uses it)

MAX_QUERY_LENGTH = 40


class SearchScreen(Screen):
    query = StringProperty("")
    max_query_length = NumericProperty(MAX_QUERY_LENGTH)
    rows = ListProperty()
    # Called with the query whenever it changes; the guide controller answers by setting ``rows``.
    on_query_changed = ObjectProperty(None)
    # False while the search index is still being built: results come when it is, no "nothing found".
    ready = BooleanProperty(True)

    def on_kv_post(self, _base_widget):
        # Attached only when nothing matches: a hidden panel would still take touches.
        self._no_results = self.ids.no_results.__self__  # ids are weak proxies
        self._no_results.parent.remove_widget(self._no_results)
        self.bind(query=self._show_empty_state, rows=self._show_empty_state, ready=self._show_empty_state)

    def _show_empty_state(self, *_args):
        empty = self.ready and bool(self.query) and not self.rows
        attached = self._no_results.parent is not None
        if empty and not attached:
            self.ids.results.parent.add_widget(self._no_results)
        elif attached and not empty:
            self._no_results.parent.remove_widget(self._no_results)

    def type_text(self, text):
        """Type as the keyboard would (benchmarks replay keystrokes through this)."""
        keyboard = self.ids.keyboard
        for char in text:
            keyboard.type_letter(char) if char.isascii() and char.isalpha() else keyboard.type_symbol(char)

    def clear(self):
        self.ids.keyboard.reset()
        self.query = ""

    def on_query(self, _screen, query):
        if self.on_query_changed is not None:
            self.on_query_changed(query)
        self.ids.results.scroll_y = 1

    def reset(self):
        self.ids.keyboard.reset()
        self.query = ""
        self.rows = []


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
