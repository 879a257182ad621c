"""Fonts for figures with Chinese text: matplotlib falls back, glyph by glyph, from its
default sans-serif font to Noto Sans CJK (Debian's `fonts-noto-cjk`, installed by
`scripts/ensure_system_packages.sh`), so 兴义市 or 慈溪 never render as empty boxes."""

from __future__ import annotations

from functools import cache

import matplotlib
from matplotlib import font_manager

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans SC")
INSTALL_HINT = "install Debian's fonts-noto-cjk (bash scripts/ensure_system_packages.sh, as root)"


@cache
def cjk_family() -> str | None:
    """The first installed Noto CJK family, or None when there is none.

    Fonts installed after matplotlib built its font cache are added from the system's
    font folders, so a stale cache does not hide them.
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FAMILIES):
        for path in font_manager.findSystemFonts():
            if "CJK" in path and "Noto" in path:
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in installed), None)


def use_cjk_fonts() -> bool:
    """Put the CJK family behind the default sans-serif font in matplotlib's fallback list.

    Latin text keeps its usual look (DejaVu Sans); a glyph DejaVu lacks is taken from
    Noto Sans CJK. Safe to call many times. Returns False (changing nothing) when no CJK
    font is installed; `INSTALL_HINT` says how to get one.
    """
    family = cjk_family()
    if family is None:
        return False
    latin = next(f for f in matplotlib.rcParams["font.sans-serif"] if f != family)
    matplotlib.rcParams["font.family"] = [latin, family]  # matplotlib falls back along font.family
    return True
