# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup system-deps demo test clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Debian tools for attachments (antiword, poppler, tesseract; LibreOffice to make test .doc
# files) and chromium for the browser tests. A failure here only makes those tests skip.
system-deps:
	-sh scripts/install-system-deps.sh --test
	-sh scripts/install-browser.sh

demo: setup
	$(BIN)/reformnews demo

test: setup system-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data/snapshot data/demo.db* .pytest_cache
