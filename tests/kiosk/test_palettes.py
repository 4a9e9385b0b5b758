"""Themes are readable: WCAG AA contrast for every text pair, large enough type and touch targets."""

from __future__ import annotations

import pytest

from kiosk.palettes import ELDER_SCALE, PALETTES, TEXT_PAIRS, TOUCH_TARGET, TYPE_SCALE, contrast_ratio

WCAG_AA = 4.5


@pytest.mark.parametrize("palette", sorted(PALETTES))
@pytest.mark.parametrize("foreground, background", TEXT_PAIRS)
def test_text_pairs_reach_wcag_aa(palette, foreground, background):
    colours = PALETTES[palette]
    ratio = contrast_ratio(colours[foreground], colours[background])
    assert ratio >= WCAG_AA, f"{palette}: {foreground} on {background} is {ratio:.2f}:1"


def test_palettes_define_the_same_colours():
    names = [set(colours) for colours in PALETTES.values()]
    assert all(n == names[0] for n in names)


def test_contrast_extremes():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21)
    for colour in ("#000000", "#FFFFFF", "#0B5CC4", "#777777"):
        assert contrast_ratio(colour, colour) == pytest.approx(1)


def test_contrast_known_values():
    # Published WCAG reference points: #767676 is the lightest grey passing AA on white, #777777 just fails.
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ff0000", "#FFFFFF") == pytest.approx(4.0, abs=0.01)


def test_type_scale_is_large_enough():
    assert TYPE_SCALE["body"] >= 18
    assert TYPE_SCALE["display"] >= 30
    assert min(TYPE_SCALE.values()) >= 18
    assert ELDER_SCALE >= 1


def test_touch_targets_are_large_enough():
    assert TOUCH_TARGET["normal"] >= 44
    assert TOUCH_TARGET["elder"] >= 60
    assert TOUCH_TARGET["elder"] >= TOUCH_TARGET["normal"]
