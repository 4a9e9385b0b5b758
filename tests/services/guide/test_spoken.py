"""A guide read aloud: what it is, who may apply, what to bring, the steps and where, in either language."""

from __future__ import annotations

from common.catalogue import load_catalogue
from common.paths import SAMPLE_CATALOGUE_FILE
from services.guide.spoken import guide_speech


def test_a_guide_read_aloud_says_what_to_bring_the_steps_and_where():
    service = next(s for s in load_catalogue(SAMPLE_CATALOGUE_FILE).services if s.code == "RS-001")
    chinese = guide_speech(service, "zh_CN")
    assert chinese.startswith("社会保障卡申领")
    assert "所需材料：居民身份证" in chinese and "办理流程：1. 申请" in chinese
    assert "党群服务中心 3号窗口 (人社)，11 层 T3-1107 室" in chinese
    english = guide_speech(service, "en")
    assert english.startswith("Application for a Social Security Card") and "What to bring: Resident Identity Card" in english
