"""The shared "image banner" portal platform (/<category>/<slug>-<id>; Cỡ chữ, TTS bar, Lượt xem)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="slug_id_portal",
    lead=(".detail-sapo", ".sapo", ".post-sapo", ".article-sapo", ".summary", ".tom-tat", ".desc"),
    body=(".detail-content", ".post-content", ".article-content", ".news-content", ".content-detail",
          ".noi-dung", ".entry-content", ".detail__content", ".content-news"),
    title=(".detail-title", ".post-title", ".article-title", ".news-title", ".title-detail",
           ".detail__title", "h1"),
    date=(".detail-time", ".post-date", ".article-date", ".news-date", ".date-detail", ".detail__time",
          ".time", ".date"),
    author=(".detail-author", ".post-author", ".article-author", ".author"),
    source=(".detail-source", ".post-source", ".source", ".nguon"),
    category=(".breadcrumb-bar", ".breadcrumb", ".breadcrumbs", ".detail-cate", ".post-cate"),
    attachments=(".post-files", ".detail-attach", ".attachments", ".file-attach", ".tep-dinh-kem"),
    chrome=(".post-tools", ".tts-player", ".post-share", ".post-files", ".related-posts", ".detail-tools", ".tool-bar", ".font-size", ".tts", ".tts-bar", ".audio-player", ".banner",
            ".detail-related", ".related-news", ".news-other", ".detail-tags", ".view-count", ".share"),
    markers=("image banner", "Tăng tương phản", "Giảm tương phản", "Cỡ chữ", "tts", "detail-content"),
)
