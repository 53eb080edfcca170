"""The WordPress tooling for the importers: comments in every state, exported by WordPress's own export_wp().

The committed fixture (tests/data/wordpress/) is checked for what an importer will rely on, and the
tooling builds the same blog again in a fresh WordPress to show the fixture is still what it makes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

import make_wxr
import wordpress_harness as wh

DATA = wh.ROOT / "tests" / "data" / "wordpress"
WP = "{http://wordpress.org/export/1.2/}"


def exported_comments(wxr: str) -> list[dict]:
    """Each comment of a WXR file, with its post's title and its meta."""
    out = []
    for item in ET.fromstring(wxr.encode()).iter("item"):
        for c in item.findall(f"{WP}comment"):
            out.append(
                {
                    "post": item.findtext("title"),
                    "id": int(c.findtext(f"{WP}comment_id")),
                    "parent": int(c.findtext(f"{WP}comment_parent")),
                    "author": c.findtext(f"{WP}comment_author"),
                    "approved": c.findtext(f"{WP}comment_approved"),
                    "type": c.findtext(f"{WP}comment_type"),
                    "ip": c.findtext(f"{WP}comment_author_IP"),
                    "content": c.findtext(f"{WP}comment_content"),
                    "meta": meta_of(c),
                }
            )
    return out


def meta_of(comment: ET.Element) -> dict[str, str]:
    """A comment's meta; a key WordPress keeps several values under (akismet_history) joined by ' | '."""
    meta: dict[str, list[str]] = {}
    for m in comment.findall(f"{WP}commentmeta"):
        meta.setdefault(m.findtext(f"{WP}meta_key"), []).append(m.findtext(f"{WP}meta_value"))
    return {key: " | ".join(values) for key, values in meta.items()}


def shape(wxr: str) -> Counter:
    """What must not change when the blog is made again: who wrote what where, in which state,
    replying to whom, and what Akismet said (ids and today's dates do change)."""
    comments = exported_comments(wxr)
    by_id = {c["id"]: c for c in comments}
    return Counter(
        (
            c["post"],
            c["author"],
            c["content"],
            c["approved"],
            c["type"],
            by_id[c["parent"]]["author"] if c["parent"] else None,
            c["meta"].get("akismet_result"),
            c["meta"].get("akismet_user_result"),
            c["meta"].get("_wp_trash_meta_status"),
        )
        for c in comments
    )


def test_the_fixture_has_every_state_an_importer_meets():
    comments = exported_comments((DATA / "export.xml").read_text())
    assert {c["approved"] for c in comments} == {"1", "0", "trash"}
    assert {c["type"] for c in comments} == {"comment", "pingback", "trackback"}
    by_id = {c["id"]: c for c in comments}
    assert any(c["parent"] and by_id[c["parent"]]["parent"] for c in comments)  # a reply to a reply
    assert any(c["meta"].get("_wp_trash_meta_status") == "spam" for c in comments)
    rescued = [c for c in comments if c["meta"].get("akismet_user_result") == "false"]
    assert rescued and rescued[0]["meta"]["akismet_result"] == "true" and rescued[0]["approved"] == "1"
    assert "report-ham" in rescued[0]["meta"]["akismet_history"]
    assert any(c["meta"].get("akismet_result") == "false" for c in comments)  # ham porch passed
    assert any(c["ip"].startswith("198.51.100.") for c in comments)
    # comments.json knows the spam that WordPress's exporter leaves out
    held = json.loads((DATA / "comments.json").read_text())["comments"]
    spam = {c["id"] for c in held if c["status"] == "spam"}
    assert len(spam) == 4 and not spam & set(by_id)
    assert {c["id"] for c in held if c["status"] != "spam"} <= set(by_id)


@pytest.mark.parametrize("status", ["approved", "pending", "spam", "trash"])
def test_add_comment_in_each_state(wordpress, post, status):
    made = wordpress.add_comment(
        post["id"], f"A comment left {status}.", status=status, author="Ola", email="ola@example.org"
    )
    assert made["status"] == {"pending": "unapproved"}.get(status, status)
    assert made["akismet_history"] == []  # put straight in: no check ran


def test_the_tooling_makes_the_fixture_again(porch, tmp_path):
    built = make_wxr.build(tmp_path, porch)
    assert shape(built.wxr) == shape((DATA / "export.xml").read_text())
    committed = json.loads((DATA / "comments.json").read_text())
    assert built.versions == committed["versions"]  # the fixture was made by this WordPress
    assert Counter((c["author"], c["status"], c["type"]) for c in built.comments) == Counter(
        (c["author"], c["status"], c["type"]) for c in committed["comments"]
    )
