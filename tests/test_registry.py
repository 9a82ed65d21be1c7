"""The site registry: the real file is valid, and `reformnews sites check` names each kind of error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archive.cli import main
from scrapers.registry import KNOWN_FAMILIES, check_registry, load_registry
from tests.registry_helpers import sites_check

GOOD = '''
[binhdinh_skhcn]
name = "Sở KH&CN Bình Định"
base_url = "https://skhcn.binhdinh.gov.vn/"
family = "custom_php"
listings = [{ url = "https://skhcn.binhdinh.gov.vn/index.php/Home/DanhSachTin/?loai=12", reform = true }]
article_pattern = '/ChiTietTin/\\?tin=\\w+'
'''
SECOND = '''
[{slug}]
name = "Second"
base_url = "{base}"
family = "{family}"
article_pattern = '{pattern}'
'''


def second(**values: str) -> str:
    defaults = {"slug": "quangtri_sokhcn", "base": "https://sokhcn.quangtri.gov.vn/", "family": "liferay",
                "pattern": r"/view-article/\d+"}
    return SECOND.format(**{**defaults, **values})


def test_the_registry_is_valid_and_holds_the_real_sites(manifest, snapshot_slugs):
    assert check_registry() == []
    registry = load_registry()
    assert len(registry) >= 60
    assert all(site.family in KNOWN_FAMILIES for site in registry.values())
    for slug in snapshot_slugs:  # the offline web is built against these entries
        assert registry[slug].host == manifest["sites"][slug]["host"]
        assert registry[slug].listings[0].reform
    assert not registry["angiang_sokhcn"].active  # a gone hostname stays, inactive
    result = CliRunner().invoke(main, ["sites", "check"])
    assert result.exit_code == 0 and "registry ok" in result.output


def test_a_good_file_passes(tmp_path):
    assert sites_check(tmp_path, GOOD + second()) == (0, "registry ok: 2 sites (2 active)\n")


@pytest.mark.parametrize("text, message", [
    (GOOD + second(family="typo3"), "unknown family 'typo3'"),
    (GOOD + second(base="ftp://sokhcn.quangtri.gov.vn/"), "base_url 'ftp://sokhcn.quangtri.gov.vn/' is not an http(s) URL"),
    (GOOD + second(base="not a url"), "is not an http(s) URL"),
    (GOOD + second(slug="binhdinh_skhcn"), "duplicate slug 'binhdinh_skhcn'"),
    (GOOD + second(base="https://skhcn.binhdinh.gov.vn/"), "share the base_url"),
    (GOOD + second(pattern="/view-article/(\\d+"), "article_pattern is not a valid regex"),
    (GOOD + second(slug="Quang-Tri"), "slug must be lower-case"),
    (GOOD + second() + 'listing = ["https://sokhcn.quangtri.gov.vn/x"]\n', "unknown field(s) listing"),
    (GOOD + second() + 'listings = [{ url = "https://elsewhere.gov.vn/x" }]\n', "is not on sokhcn.quangtri.gov.vn"),
    (GOOD + "[broken\n", "not valid TOML"),
])
def test_sites_check_names_each_kind_of_error(tmp_path, text, message):
    code, output = sites_check(tmp_path, text)
    assert code == 1
    assert message in output, output
