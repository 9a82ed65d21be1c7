"""Navigation per CMS family: how listings paginate and which links are articles; `navigation_for` picks one."""

from __future__ import annotations

from spiders.families.base import Navigation
from spiders.families.portals import (
    AspNetNavigation,
    CustomPhpNavigation,
    DrupalNavigation,
    JoomlaNavigation,
    LiferayNavigation,
    NukeVietNavigation,
    SharePointNavigation,
    SlugIdPortalNavigation,
    WordPressNavigation,
)

FAMILIES: dict[str, type[Navigation]] = {
    cls.family: cls
    for cls in (Navigation, AspNetNavigation, CustomPhpNavigation, DrupalNavigation, JoomlaNavigation,
                LiferayNavigation, NukeVietNavigation, SharePointNavigation, SlugIdPortalNavigation,
                WordPressNavigation)
}


def navigation_for(family: str) -> Navigation:
    """The navigation of a CMS family (the generic one for a family without its own)."""
    return FAMILIES.get(family, Navigation)()


__all__ = ["FAMILIES", "Navigation", "navigation_for"]
