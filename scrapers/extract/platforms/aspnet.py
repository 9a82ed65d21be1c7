"""ASP.NET WebForms / MVC portals (DesktopModules, .ArticleContent, default.aspx?pid=&nid=)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="aspnet",
    lead=("[id$=lblTomTat]", ".ArticleSummary", ".news-summary", ".sapo", ".tomtat", ".summary"),
    body=(".ArticleContent", ".news-content", ".NewsContent", ".noidungtin", ".noi-dung-tin",
          ".chi-tiet-noi-dung", ".detail-content", ".content-detail", "#ctl00_ContentPlaceHolder1_lblContent",
          "[id$=lblNoiDung]", "[id$=lblContent]", ".news-detail .content", ".article-body"),
    title=("[id$=lblTitle]", ".tieude-tin", ".ArticleHeader", ".news-title", ".NewsTitle", ".tieude", ".tieu-de", "[id$=lblTitle]",
           "[id$=lblTieuDe]", ".news-detail h1", ".detail-title", "h1.title"),
    date=("[id$=lblDate]", ".PostDate", ".news-date", ".NewsDate", ".ngaydang", ".ngay-dang", "[id$=lblDate]",
          "[id$=lblNgayDang]", ".detail-date", ".date"),
    author=(".ArticleAuthor", ".news-author", ".tacgia", ".tac-gia", "[id$=lblAuthor]", "[id$=lblTacGia]"),
    source=(".news-source", ".nguon", "[id$=lblSource]"),
    category=(".breadcrumb", ".duong-dan", ".sitemap-path", ".news-cat"),
    attachments=(".dinhkem", ".attachments", ".file-dinh-kem", ".dinhkem", ".news-attach"),
    chrome=(".congcu", ".font-size", ".tinkhac-title", ".tinkhac-item", ".news-tools", ".other-news", ".tin-khac", ".news-other", ".print-share", ".dinhkem",
            ".file-dinh-kem", ".news-attach", ".attachments"),
    generator=r"asp\.net|dotnetnuke",
    markers=("__VIEWSTATE", "__doPostBack", ".aspx", "DesktopModule", "WebResource.axd", "ctl00_"),
)
