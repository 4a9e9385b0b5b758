"""A pinyin input method for the touchscreen keyboard, on jieba's word frequencies and pypinyin's readings."""

from services.ime.input_method import Candidate, InputMethod
from services.ime.syllables import normalize, segmentations

__all__ = ["Candidate", "InputMethod", "normalize", "segmentations"]
