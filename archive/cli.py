"""The `reformnews` command line: crawl, demo, images, serve, export, extract, sites, status, reextract."""

from __future__ import annotations

import click

from archive.cli_browse import export, extract, serve, sites
from archive.cli_common import CleanErrors
from archive.cli_crawl import crawl, demo, images, reextract, status


@click.group(cls=CleanErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reformnews")
def main() -> None:
    """reformnews: an open archive of Vietnamese administrative-reform (CCHC) news.

    \b
    Example:
        reformnews demo                 # offline snapshot → archive → Datasette
        reformnews crawl --site binhdinh_skhcn
        reformnews serve --port 8001
    """


for command in (crawl, demo, images, serve, export, extract, sites, status, reextract):
    main.add_command(command)


if __name__ == "__main__":
    main()
