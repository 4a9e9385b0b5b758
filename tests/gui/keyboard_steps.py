"""Steps the GUI scenarios share for the on-screen pinyin keyboard and the feedback form it types into."""

from __future__ import annotations

DICTIONARY_SECONDS = 300  # the first scenario of a run may build the dictionary file (~20 s on a busy machine)


def _keys(driver, labels):
    for label in labels:
        driver.tap(driver.button(label))
        yield 0.05


def _candidate(driver, text):
    return driver.find(lambda w: type(w).__name__ == "CandidateButton" and w.label == text, f"candidate {text!r}")


def type_words(driver, *words: tuple[str, str]):
    """Each (pinyin, word): the letters on the keyboard, then the word picked from the candidate bar."""
    for letters, word in words:
        yield from _keys(driver, letters)
        driver.tap(_candidate(driver, word))
        yield 0.2


def send_without_phone(driver):
    """From the feedback text: 下一步, 跳过 the phone number, 提交; until the receipt is on screen and its slide has
    finished (a tap on 完成 while it still slides in misses the button)."""
    driver.tap(driver.button("下一步"))
    yield from driver.settled()
    driver.tap(driver.button("跳过"))
    yield from driver.settled()
    driver.tap(driver.button("提交"))
    yield from driver.until(lambda: driver.app.current_screen == "feedback_receipt", 30)
    yield from driver.settled()
