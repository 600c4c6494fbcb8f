"""The saved-query catalogue as a Markdown page (``queries/README.md``), generated from the headers.

Generated rather than hand-written so that the page can never disagree with the queries; a test
checks that the committed page is current. Regenerate with ``python -m kg.catalogue_docs``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kg.catalogue import catalogue
from kg.resources import package_file, queries_dir


def render() -> str:
    """The Markdown page for the current catalogue, in query-name order."""
    from jinja2 import Environment, FileSystemLoader

    # Markdown, not HTML: no autoescaping, but table cells must not break the table.
    env = Environment(loader=FileSystemLoader(package_file("templates")), keep_trailing_newline=True)
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    page = env.get_template("catalogue.md").render(queries=list(catalogue().values()))
    page = "\n".join(line.rstrip() for line in page.splitlines())
    page = re.sub(r"\n(?=## )", "\n\n", page)  # a heading always follows a blank line
    return re.sub(r"\n{3,}", "\n\n", page).strip() + "\n"


def readme_path() -> Path:
    return queries_dir() / "README.md"


def write(path: Path | None = None) -> Path:
    """Write the page (to ``queries/README.md`` unless told otherwise) and return where."""
    target = path or readme_path()
    target.write_text(render(), encoding="utf-8")
    return target


def main() -> int:
    print(f"wrote {write()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
