"""Make the WordPress export fixture: a blog with comments in every state, exported by WordPress itself.

    .venv/bin/python tests/wordpress/make_wxr.py        # writes tests/data/wordpress/

A fresh WordPress (Debian's 6.1 with Akismet 5.0, set up with porch as docs/akismet.md says) at
http://blog.example.test, served on a loopback port, gets two posts and their comments:

* an old thread written straight into WordPress with fixed dates and addresses, as years of a real
  blog would be: comments, replies two deep, a pingback, a trackback, one held in Pending, one a
  moderator moved to the Trash, one a moderator marked as spam, and one spam that was later moved
  to the Trash (WordPress's REST API and apps can do that, its screens cannot);
* new comments sent through the post's comment form, which the Akismet plugin checks with porch:
  ham that is published, a reply, spam (`akismet-guaranteed-spam`), a bot that filled the hidden
  field, and a false positive that the moderator rescued with *Not Spam* and then approved.

Then Tools → Export → All content (wp-admin/export.php, i.e. `export_wp()`) writes the WXR file,
and comments.json records every comment WordPress holds — including those the export leaves out:
WordPress's exporter never writes comments whose status is spam (`comment_approved <> 'spam'`
in wp-admin/includes/export.php). The test in test_wxr_tooling.py builds the same blog again and
checks the fixture still matches what the tooling makes.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import wordpress_harness as wh

HOME = "http://blog.example.test"
OUT = wh.ROOT / "tests" / "data" / "wordpress"
UA = wh.BROWSER_UA

OLD_THREAD = "Porches, and why we sit on them"
PAINT = "Painting a porch floor that lasts"


@dataclass
class Built:
    wxr: str
    comments: list[dict]  # every comment WordPress holds, spam included, in id order
    versions: dict


def build(directory: Path, porch: wh.Porch) -> Built:
    """Make the blog in `directory` (its WordPress stops again), with `porch` as its spam filter."""
    database = wh.Database.create()
    wp = None
    try:
        _site, key = porch.add_site(HOME)
        recipe = wh.Recipe.from_docs(porch.url, key)
        # WordPress may reach only its own host (WP_HTTP_BLOCK_EXTERNAL), which is not porch's here
        config = recipe.wp_config + "\ndefine( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1' );\n"
        wp = wh.WordPress.create(directory, database, home=HOME, config=config)
        wp.install("A porch test blog")
        wp.call("activate_plugin", plugin=wh.AKISMET_PLUGIN)
        wp.call("set_options", comment_previously_approved="0", blogdescription="Notes from the front step")
        wp.call("set_permalinks", structure="/%year%/%monthnum%/%postname%/")
        wp.add_mu_plugin("porch-akismet.php", recipe.mu_plugin)
        wp.serve()
        posts: dict[str, dict] = {}
        ids: dict[str, int] = {}
        _write_history(wp, posts, ids)
        _write_through_the_form(wp, posts, ids)
        admin = wp.admin()
        try:
            _moderate(wp, admin, ids)
            wxr = wp.export_wxr(admin)
        finally:
            admin.close()
        comments = [c for p in sorted(p["id"] for p in posts.values()) for c in wp.comments(p)]
        return Built(wxr, comments, wp.versions())
    finally:
        if wp is not None:
            wp.stop()
        database.drop()


def _write_history(wp: wh.WordPress, posts: dict, ids: dict) -> None:
    """Years of a blog, with fixed dates and addresses (documentation ranges)."""
    porch_post = wp.create_post(
        OLD_THREAD,
        "<!-- wp:paragraph --><p>A porch is a room with one wall missing: the one that faces the street.</p>"
        "<!-- /wp:paragraph -->",
        date="2024-05-04 09:00:00",
    )
    paint = wp.create_post(
        PAINT,
        "<!-- wp:paragraph --><p>Sand, prime, two coats, and wait a week before the chairs go back.</p>"
        "<!-- /wp:paragraph -->",
        date="2019-06-01 08:30:00",
    )
    posts.update(old=porch_post, paint=paint)

    def add(name, post, content, **fields):
        ids[name] = wp.add_comment(post["id"], content, agent=UA, **fields)["id"]

    add(
        "maren", porch_post, "Our porch faces west, so it is the best place for the last hour of sun.",
        author="Maren Olsen", email="maren@example.org", url="https://maren.example.org",
        ip="198.51.100.23", date="2024-05-04 10:12:00",
    )  # fmt: skip
    add(
        "tom", porch_post, "Same here! We put a small table out there every spring.",
        author="Tom Berg", email="tom@example.net", ip="203.0.113.5", date="2024-05-04 11:40:00",
        parent=ids["maren"],
    )  # fmt: skip
    add(
        "maren-again", porch_post, "@Tom a table is a good idea, the railing is not a great shelf.",
        author="Maren Olsen", email="maren@example.org", url="https://maren.example.org",
        ip="198.51.100.23", date="2024-05-05 08:02:00", parent=ids["tom"],
    )  # fmt: skip
    add(
        "pingback", porch_post,
        "[&#8230;] Porches, and why we sit on them, on A porch test blog: the best thing I read this week [&#8230;]",
        type="pingback", author="Porch Life &raquo; Links of the week",
        url="http://porchlife.example/2024/05/links-of-the-week/", ip="192.0.2.10", date="2024-05-06 07:15:00",
    )  # fmt: skip
    add(
        "trackback", porch_post, "We wrote about our own porch and linked to this post.",
        type="trackback", author="Front Step Stories", url="http://frontstep.example/our-porch/",
        ip="192.0.2.44", date="2024-05-06 18:30:00",
    )  # fmt: skip
    add(
        "pending", porch_post,
        "Useful links for porch builders: http://one.example/decking http://two.example/railings "
        "http://three.example/steps",
        status="pending", author="Jo", email="jo@example.com", ip="198.51.100.77", date="2024-05-08 13:00:00",
    )  # fmt: skip
    add(
        "trashed", porch_post, "Porches are a waste of money, anyone who builds one is a fool.",
        status="trash", author="Randy", email="randy@example.com", ip="203.0.113.99",
        date="2024-05-09 22:41:00",
    )  # fmt: skip
    add(
        "spam", porch_post, "Buy cheap pills online without prescription http://pills.example/order",
        status="spam", author="Cheap Pills", email="sales@pills.example", url="http://pills.example",
        ip="192.0.2.200", date="2024-05-10 03:12:00",
    )  # fmt: skip
    add(
        "spam-trashed", porch_post, "Earn 5000 dollars a week from home, click http://money.example",
        status="spam", author="Money Maker", email="win@money.example", url="http://money.example",
        ip="192.0.2.201", date="2024-05-11 04:40:00",
    )  # fmt: skip
    wp.call("set_comment_status", id=ids["spam-trashed"], status="trash")
    add(
        "paint", paint, "Which primer did you use on the old boards? Ours peeled after one winter.",
        author="Ravi", email="ravi@example.org", ip="203.0.113.61", date="2019-06-02 19:05:00",
    )  # fmt: skip
    add(
        "paint-reply", paint, "An oil-based one, and we let it dry for two full days.",
        author="admin", email="owner@example.org", user_id=1, ip="198.51.100.1", date="2019-06-03 07:45:00",
        parent=ids["paint"],
    )  # fmt: skip
    add(
        "paint-missed", paint, "Great post! Check my site for the best deck stain deals http://stain.example",
        author="Deck Deals", email="deals@stain.example", url="http://stain.example", ip="192.0.2.150",
        date="2019-06-04 12:00:00",
    )  # fmt: skip


def _write_through_the_form(wp: wh.WordPress, posts: dict, ids: dict) -> None:
    """Readers of today, through the comment form: the Akismet plugin asks porch about each."""
    link = posts["old"]["permalink"]

    def post(name, **fields):
        posted = wp.post_comment(link, **fields)
        if posted.comment_id is None:
            raise RuntimeError(f"the comment form did not take {name}: HTTP {posted.status_code}")
        ids[name] = posted.comment_id

    post(
        "ines", author="Ines", email="ines@example.org", text="I never thought of a porch as a room. It fits!"
    )
    post(
        "ravi-reply", author="Ravi", email="ravi@example.org", parent=ids["ines"],
        text="A room where the neighbours can drop in, which is the point of it.",
    )  # fmt: skip
    post(
        "form-spam", author="akismet-guaranteed-spam", email="promo@example.com",
        text="Top casino bonuses this week only http://casino.example/bonus", url="http://casino.example",
    )  # fmt: skip
    post(
        "bot", author="Kevin", email="kevin@example.com", text="Nice post, thanks for sharing.",
        extra={"ak_hp_textarea": "http://seo.example"},
    )  # fmt: skip
    post(
        "rescued", author="akismet-guaranteed-spam", email="helper@example.org",
        text="My grandfather built our porch swing from one oak plank; it still hangs there.",
    )  # fmt: skip


def _moderate(wp: wh.WordPress, admin, ids: dict) -> None:
    """What the moderator did in wp-admin."""
    wp.moderate(admin, ids["rescued"], "unspamcomment", listing="spam")  # Not Spam (submit-ham)
    wp.moderate(admin, ids["rescued"], "approvecomment", listing="moderated")
    wp.moderate(admin, ids["paint-missed"], "spamcomment", listing="approved")  # missed spam (submit-spam)


def main() -> None:
    problems = wh.missing()
    if problems:
        sys.exit("missing: " + "; ".join(problems) + f" (run bash {wh.PROVISION} as root)")
    with tempfile.TemporaryDirectory(prefix="porch-wxr-") as tmp:
        porch = wh.Porch.start(Path(tmp) / "porch")
        try:
            built = build(Path(tmp), porch)
        finally:
            porch.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "export.xml").write_text(built.wxr)
    (OUT / "comments.json").write_text(
        json.dumps({"versions": built.versions, "comments": built.comments}, indent=1, ensure_ascii=False)
        + "\n"
    )
    print(f"wrote {OUT / 'export.xml'} and {OUT / 'comments.json'} ({len(built.comments)} comments)")


if __name__ == "__main__":
    main()
