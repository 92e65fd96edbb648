"""The README and ``docs/`` link only to files in the repository: a reader who follows a
link from a fresh clone finds the page, and the heading when the link names one. The
design notes shared by the project's authors (``shared/docs/``) are not in the
repository, so no page may send a reader there."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
INLINE = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, ws: …
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
SHARED_PATH = re.compile(r"(?<![\w./-])(?:\.\./)*shared/[^\s`)\]>\"']*")


def prose(text: str) -> str:
    """The page without its fenced code blocks (a ``#`` there is a comment, a ``[x](y)``
    there is code)."""
    return FENCE.sub("", text)


def links(text: str) -> list[str]:
    body = prose(text)
    return INLINE.findall(body) + REFERENCE.findall(body)


def anchors(text: str) -> set[str]:
    """GitHub's ids for the page's headings: lower case, punctuation dropped, spaces as
    hyphens, and ``-1``, ``-2``… for repeats."""
    seen: Counter[str] = Counter()
    found = set()
    for heading in HEADING.findall(prose(text)):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
        slug = re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")
        found.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return found


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Each relative link of ``page`` that does not lead to a file (and heading) in
    ``root``, with why."""
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in links(text):
        if not target or EXTERNAL.match(target):
            continue
        path, _, fragment = target.partition("#")
        found = (page.parent / unquote(path)).resolve() if path else page
        if not found.is_relative_to(root):
            broken.append(f"{target}: outside the repository")
        elif not found.is_file():
            broken.append(f"{target}: no such file")
        elif fragment and found.suffix == ".md" and (
                fragment not in anchors(found.read_text(encoding="utf-8"))):
            broken.append(f"{target}: no such heading in {found.relative_to(root)}")
    return broken


def shared_paths(page: Path) -> list[str]:
    """Mentions of a ``shared/…`` path: the authors' notes, outside the repository."""
    return SHARED_PATH.findall(page.read_text(encoding="utf-8"))


def test_the_pages_are_the_readme_and_the_docs():
    names = {page.relative_to(ROOT).as_posix() for page in PAGES}
    assert {"README.md", "docs/README.md", "docs/mqtt.md", "docs/websocket.md",
            "docs/notifications.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file_in_the_repository(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_no_page_sends_the_reader_to_the_shared_notes(page):
    assert shared_paths(page) == []


def test_the_readme_links_every_page_of_the_docs():
    linked = {(ROOT / target.partition("#")[0]).resolve()
              for target in links((ROOT / "README.md").read_text(encoding="utf-8"))}
    assert {page.resolve() for page in PAGES if page.parent.name == "docs"} <= linked


def test_a_missing_file_a_missing_heading_and_a_path_outside_are_found(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mqtt.md").write_text("# MQTT\n\n## Topics and QoS\n")
    page = tmp_path / "README.md"
    page.write_text(
        "See [topics](docs/mqtt.md#topics-and-qos), [gone](docs/gone.md),\n"
        "[QoS](docs/mqtt.md#qos), [notes](../shared/docs/CONTRACTS.md), the\n"
        "[site](https://example.com) and `shared/docs/CONTRACTS.md`.\n\n"
        "```bash\n# a comment, and [code](not/a/link.md)\n```\n")
    assert broken_links(page, tmp_path) == [
        "docs/gone.md: no such file",
        "docs/mqtt.md#qos: no such heading in docs/mqtt.md",
        "../shared/docs/CONTRACTS.md: outside the repository",
    ]
    assert shared_paths(page) == ["../shared/docs/CONTRACTS.md", "shared/docs/CONTRACTS.md"]


def test_headings_become_the_anchors_github_gives_them():
    text = "# CUIOT\n## Duplicates (`msg_id`)\n## HTTP instead of MQTT\n## Notes\n## Notes\n"
    assert anchors(text) == {"cuiot", "duplicates-msg_id", "http-instead-of-mqtt", "notes",
                             "notes-1"}
