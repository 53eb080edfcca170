"""Fixtures for the WordPress tests: Debian's WordPress and its Akismet plugin, set up as docs/akismet.md
says, in front of a real `porch serve`.

One WordPress per test session (and per xdist worker): a fresh MariaDB database, a copied tree with
its own wp-config.php, `wp_install()`, the Akismet plugin activated with a key from `porch site add`,
the recipe's must-use plugin, PHP's built-in server on a free loopback port. Tests keep out of each
other's way by writing on posts of their own.

What the machine needs (WordPress, PHP, MariaDB) is installed and started by provision.sh, which
.ci/run runs; when it is missing here, this file runs provision.sh itself if it can (as root, like
tests/browser does for Chromium). Only when that is impossible are the tests skipped, with what is
missing — and never under CI (`CI` set), where a skip would hide that nothing was tested.

porch is started here rather than taken from tests/support/fixtures.py: it is one SQLite server,
started with the real CLI like an owner would (`porch serve`, `porch site add`), and this directory
should not depend on how the service tests build theirs.
"""

from __future__ import annotations

import os
import shutil

import pytest

import wordpress_harness as wh


def _require_tools() -> None:
    problems = wh.missing()
    if problems and os.geteuid() == 0 and shutil.which("apt-get"):
        output = wh.provision()
        problems = wh.missing()
        if problems:
            problems.append("provision.sh said:\n" + output[-2000:])
    if not problems:
        return
    message = (
        "the WordPress tests need " + "; ".join(problems) + f". Install them with `bash {wh.PROVISION}` "
        f"(as root; .ci/run does it), i.e. apt-get install {wh.PACKAGES}, and start MariaDB."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def porch(tmp_path_factory):
    _require_tools()
    server = wh.Porch.start(tmp_path_factory.mktemp("porch"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wordpress(porch, tmp_path_factory):
    """An installed WordPress whose Akismet plugin talks to `porch`, served and ready.

    Its `site` and `key` attributes are porch's site for it. The owner has turned off "Comment author
    must have a previously approved comment", so what decides a new commenter's comment is porch."""
    database = wh.Database.create()
    wp = None
    try:
        port = wh.free_port()
        site, key = porch.add_site(f"http://127.0.0.1:{port}")
        recipe = wh.Recipe.from_docs(porch.url, key)
        wp = wh.WordPress.create(
            tmp_path_factory.mktemp("wordpress"), database, port=port, config=recipe.wp_config
        )
        wp.install()
        wp.call("activate_plugin", plugin=wh.AKISMET_PLUGIN)
        wp.call("set_options", comment_previously_approved="0")
        wp.add_mu_plugin("porch-akismet.php", recipe.mu_plugin)
        wp.serve()
        wp.site, wp.key = site, key
        yield wp
    finally:
        if wp is not None:
            wp.stop()
        database.drop()


@pytest.fixture
def admin(wordpress):
    """A logged-in wp-admin session (an httpx client)."""
    client = wordpress.admin()
    yield client
    client.close()


@pytest.fixture
def post(wordpress, request):
    """A fresh post of this test's own: {id, permalink}."""
    return wordpress.create_post(f"On porches: {request.node.name}", "<p>Porches face the street.</p>")
