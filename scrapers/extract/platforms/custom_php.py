"""Home-grown PHP portals (skhcn.binhdinh: index.php/Home/ChiTietTin/?tin=...)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="custom_php",
    body=("#noidung", ".detail .detail-content", ".content-detail", ".news-detail .content", ".detail-content", ".noidung"),
    title=(".title-detail", ".detail .detail-title", ".news-detail h1", ".news-detail h2", "h1.title"),
    date=(".date-detail", ".detail .detail-date", ".news-detail .date", ".ngaydang"),
    author=(".author-detail", ".tacgia"),
    category=(".news-detail .box-title", ".detail .path",),
    attachments=(".file-dinhkem", ".detail .attach", ".attach"),
    chrome=(".detail-tools", ".other", ".attach", ".back", ".tool-detail", ".share-detail", ".other-news", ".file-dinhkem"),
    markers=("/index.php/Home/", "content-detail", "title-detail", "file-dinhkem"),
)
