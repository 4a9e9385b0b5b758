"""A pinyin input method for the touchscreen keyboard, on jieba's word frequencies and pypinyin's readings."""

from services.devices.ime.input_method import Candidate, InputMethod
from services.devices.ime.syllables import normalize, segmentations

__all__ = ["Candidate", "InputMethod", "normalize", "segmentations"]
