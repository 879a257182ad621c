"""Chinese text in figures: every glyph found (Noto Sans CJK behind DejaVu Sans)."""

import io
import warnings

import matplotlib
import pytest
from matplotlib.figure import Figure

from sim.fonts import INSTALL_HINT, cjk_family, use_cjk_fonts


def _draw_chinese() -> None:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="兴义市 → 慈溪市")
    ax.set(title="在宁波就业人数 (people)", xlabel="月份", ylabel="人")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png")


def test_chinese_labels_render_without_missing_glyphs():
    assert cjk_family() is not None, INSTALL_HINT
    with matplotlib.rc_context():
        assert use_cjk_fonts()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph 20852 ... missing from font(s) DejaVu Sans" fails
            _draw_chinese()
        assert matplotlib.rcParams["font.family"][0] == "DejaVu Sans"  # Latin text keeps its font


def test_without_the_fallback_glyphs_go_missing():
    """The check above can fail: matplotlib's default fonts have no Chinese."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="missing from font"):
            _draw_chinese()
