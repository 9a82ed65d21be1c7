"""NukeViet 4 news module (#news-bodyhtml, .hometext lead, "Tác giả bài viết")."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="nukeviet",
    lead=(".news_column .hometext", ".hometext"),
    body=("#news-bodyhtml", ".bodytext", ".news_column .bodytext"),
    title=(".news_column h1.title", ".news_column h1", "h1.title"),
    date=(".news_column .h5", ".news_column .time", ".news-date"),
    author=(".news_column .author", ),
    category=(".temp-breadcrumbs", ".breadcrumbs", ".breadcrumbs-wrap", "[itemtype*=BreadcrumbList]"),
    attachments=(".download", ".news_column .list-group"),
    chrome=(".socialicon", ".fb-like", ".other-news", ".related", ".download", ".list-inline"),
    generator=r"nukeviet",
    markers=("news-bodyhtml", "nv_open_browse", "/themes/default/", "NukeViet", "news_column"),
)
