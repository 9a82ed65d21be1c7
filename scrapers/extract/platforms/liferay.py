"""Liferay portals (asset publisher / web content portlets; "null" titles, cms-* i18n keys)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="liferay",
    body=(".asset-full-content .journal-content-article", ".asset-full-content .asset-content",
          ".journal-content-article", ".asset-content"),
    title=(".asset-full-content .header-title", ".asset-full-content h3", ".asset-title", ".header-title"),
    date=(".asset-full-content .metadata-date", ".asset-full-content .news-date", ".metadata-date",
          ".news-date", ".publish-date"),
    author=(".asset-full-content .metadata-author", ".metadata-author"),
    category=(".asset-full-content .breadcrumb-news", ".breadcrumb-news", ".breadcrumb",
              ".portlet-asset-publisher .portlet-title-text"),
    attachments=(".asset-attachments", ".asset-full-content .file-entry"),
    chrome=(".asset-metadata", ".taglib-header", ".asset-attachments", ".portlet-topper",
            ".taglib-social-bookmarks", ".helper-hidden-accessible", ".header-back-to",
            ".asset-links", ".taglib-ratings", ".lfr-discussion"),
    generator=r"liferay",
    markers=("p_p_id", "portlet-boundary", "journal-content-article", "themeDisplay", "/-/"),
)
