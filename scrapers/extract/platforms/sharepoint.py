"""SharePoint publishing pages (RichHtmlField, ms-rtestate-field, web part zones)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="sharepoint",
    lead=(".chi-tiet-tin .tom-tat", ".tom-tat", ".article-summary", ".sapo"),
    body=("[id$=RichHtmlField]", ".ms-rtestate-field", ".chi-tiet-tin .noi-dung", "#ctl00_PlaceHolderMain_ctl00",
          ".article-content", ".ms-rte-layoutszone-inner"),
    title=(".chi-tiet-tin .tieu-de", ".tieu-de", ".article-title", "#pageTitle", "h1.title"),
    date=(".chi-tiet-tin .ngay-dang", ".ngay-dang", ".article-date", ".date"),
    author=(".tac-gia", ".article-author"),
    source=(".nguon-tin",),
    category=(".breadcrumb-tin", ".breadcrumb", ".ms-breadcrumb"),
    attachments=(".file-dinh-kem", ".attachments"),
    chrome=(".tien-ich", ".tin-khac", ".file-dinh-kem", ".ms-hide", "#s4-ribbonrow", ".ms-webpart-titleText"),
    generator=r"sharepoint",
    markers=("ms-rtestate-field", "_spPageContextInfo", "s4-workspace", "ms-webpart", "WebPartWPQ"),
)
