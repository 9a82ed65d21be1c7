"""WordPress posts (.entry-content, .entry-title, time.entry-date)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="wordpress",
    body=(".entry-content", ".post-content", ".single-content", "article .content", ".td-post-content"),
    title=("h1.entry-title", ".entry-title", "h1.post-title", ".single-title", "h1"),
    date=("time.entry-date", ".entry-date", ".posted-on", ".post-date", ".entry-meta time", ".td-post-date"),
    author=(".entry-meta .author", ".byline .author", ".post-author"),
    category=(".breadcrumb", ".breadcrumbs", ".cat-links", ".rank-math-breadcrumb", ".yoast-breadcrumb"),
    attachments=(".entry-content", ".wp-block-file"),
    chrome=(".sharedaddy", ".jp-relatedposts", ".post-navigation", ".nav-links", ".entry-footer",
            ".wp-block-buttons", ".addtoany_share_save_container", ".related-posts", ".yarpp-related",
            ".comments-area", ".post-tags", ".tags-links"),
    generator=r"wordpress",
    markers=("wp-content", "wp-includes", "entry-content", "wp-json"),
)
