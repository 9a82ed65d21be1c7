"""Joomla (com_content item pages: .item-page, itemprop=articleBody)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="joomla",
    body=(".item-page [itemprop=articleBody]", "[itemprop=articleBody]", ".item-page .article-content",
          ".item-page"),
    title=(".item-page [itemprop=headline]", ".item-page .page-header h2", ".item-page h2", ".contentheading"),
    date=(".item-page .published", ".item-page time", ".article-info .create", ".createdate"),
    author=(".item-page .createdby", ".article-info .createdby"),
    category=(".breadcrumb", ".breadcrumbs"),
    attachments=(".attachmentsContainer", ".attachmentsList"),
    chrome=(".actions", ".article-info", ".pagenav", ".pager", ".attachmentsContainer", ".icons",
            ".tin-cung-chuyen-muc", ".items-more", ".article-index"),
    generator=r"joomla",
    markers=("option=com_content", "item-page", "itemprop=\"articleBody\"", "/media/system/"),
)
