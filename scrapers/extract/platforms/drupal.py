"""Drupal 7-10 nodes (/node/<id>: .field-name-body, .field--name-body)."""

from scrapers.extract.platforms import Profile

PROFILE = Profile(
    name="drupal",
    lead=(".field--name-field-summary", ".field-name-field-summary", ".field--name-field-sapo",
          ".field-name-field-sapo", ".field--name-field-tom-tat", ".field-name-field-tom-tat"),
    body=(".node .field--name-body", ".node .field-name-body", ".field--name-body", ".field-name-body",
          "article .node__content", ".node-content", ".node .content"),
    title=("h1.page-header", "h1.page-title", "h1.node__title", "h1.title", "#page-title", ".node h1", "h1"),
    date=(".node__meta", ".submitted", ".field--name-field-ngay-dang", ".field-name-field-ngay-dang",
          ".field--name-created", ".node .date", ".meta .date"),
    author=(".field--name-field-tac-gia", ".field-name-field-tac-gia", ".field--name-field-author",
            ".field-name-field-author"),
    source=(".field--name-field-nguon", ".field-name-field-nguon", ".field--name-field-source",
            ".field-name-field-source"),
    category=(".breadcrumb", "nav.breadcrumb", ".field--name-field-category", ".field-name-field-category"),
    attachments=(".field-name-field-file", ".field--name-field-file", ".field--name-field-attachments", ".field-name-field-attachments", ".field--type-file",
                 ".field-type-file", ".file"),
    chrome=(".field-name-field-file", ".field--name-field-file", ".links", ".node__links", ".field--name-field-tags", ".field-name-field-tags",
            ".field--type-file", ".field-type-file", ".print-page", ".print_html", ".service-links",
            ".block-views", ".view", ".pager", ".element-invisible", ".visually-hidden"),
    generator=r"drupal",
    markers=("Drupal.settings", "drupal-settings-json", "/sites/default/files/", "field--name-body",
             "field-name-body", "data-drupal"),
)
