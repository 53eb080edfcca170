"""A real WordPress, with its real Akismet plugin, pointed at a real porch: the parts the tests use.

Debian's `wordpress` package (6.1, with Akismet 5.0 under wp-content/plugins/akismet) is copied
into a temporary directory and given its own wp-config.php, so every install is isolated: its own
MariaDB database and user, its own wp-content, its own URL. A copy, not symlinks, because WordPress
finds wp-config.php from its scripts' real paths (`__DIR__`), and a symlinked wp-admin would lead
back to Debian's /usr/share/wordpress/wp-config.php, which picks a config in /etc/wordpress by host
name. The copy is 60 MB and takes well under a second.

WordPress is installed without a browser (`wp_install()` through bridge.php), served by PHP's
built-in server on a free loopback port (router.php stands in for mod_rewrite), and driven over HTTP
the way people drive it: commenters GET a post and POST its comment form to wp-comments-post.php
with the fields the page carries (Akismet's nonce, honeypot and `ak_js` included); moderators log
in at wp-login.php and use wp-admin. Each commenter comes from their own loopback address
(127.0.x.y): WordPress's flood check holds back a second comment from one address within 15 s, and
distinct addresses are what a real site sees anyway.

The site is configured the way docs/akismet.md says (the recipe is read out of the document, so the
tests run exactly what it shows), and with `WP_HTTP_BLOCK_EXTERNAL`: WordPress may reach only its
own host, so a request the recipe failed to send to porch would fail loudly instead of leaving the
machine. porch runs as `python -m porch.cli serve` on SQLite, and its site and key come from
`porch site add`, as an owner would make them.

Nothing here needs pytest: tests/wordpress/make_wxr.py uses the same parts to regenerate the WXR
fixture in tests/data/wordpress/.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCS = ROOT / "docs" / "akismet.md"
BRIDGE = HERE / "bridge.php"
ROUTER = HERE / "router.php"
PROVISION = HERE / "provision.sh"

DEBIAN_WORDPRESS = Path("/usr/share/wordpress")
AKISMET_PLUGIN = "akismet/akismet.php"
PACKAGES = "wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-xml php-curl php-mbstring mariadb-server"
MARIADB = ["mariadb", "--user=root", "--batch", "--skip-column-names"]
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# php for the bridge and the server: mail() goes nowhere (WordPress mails the admin on install and on
# every held comment; there is no MTA here and none is wanted).
PHP = ["php", "-d", "sendmail_path=/bin/true", "-d", "memory_limit=256M"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    """Poll until predicate() is truthy; its value, or the last falsy one (tests never assert on time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# -- what the machine must have -----------------------------------------------------------------
def missing() -> list[str]:
    """What this machine lacks for the WordPress tests, in words for a person; [] when all is there."""
    problems = []
    if not (DEBIAN_WORDPRESS / "wp-settings.php").exists():
        problems.append("Debian's wordpress package (/usr/share/wordpress)")
    elif not (DEBIAN_WORDPRESS / "wp-content" / "plugins" / AKISMET_PLUGIN).exists():
        problems.append("the Akismet plugin of Debian's wordpress package")
    if not shutil.which("php"):
        problems.append("php (php-cli)")
    else:
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.lower().split()
        problems += [
            f"PHP's {m} extension (php-{m})" for m in ("mysqli", "xml", "mbstring") if m not in modules
        ]
    if not shutil.which("mariadb"):
        problems.append("the MariaDB client and server (mariadb-server)")
    elif subprocess.run([*MARIADB, "-e", "SELECT 1"], capture_output=True).returncode != 0:
        problems.append("a running MariaDB server that root reaches on its socket")
    return problems


def provision() -> str:
    """Install and start what is missing (tests/wordpress/provision.sh, which .ci/run also runs)."""
    done = subprocess.run(["bash", str(PROVISION)], capture_output=True, text=True, timeout=1200)
    return done.stdout + done.stderr


# -- MariaDB --------------------------------------------------------------------------------------
@dataclass
class Database:
    """A MariaDB database of its own, with a user that may use only it."""

    name: str
    user: str
    password: str

    @classmethod
    def create(cls) -> Database:
        name = "porch_wp_" + secrets.token_hex(5)
        password = secrets.token_urlsafe(18)
        sql(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f"CREATE USER '{name}'@'localhost' IDENTIFIED BY '{password}';"
            f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{name}'@'localhost';"
        )
        return cls(name, name, password)

    def drop(self) -> None:
        sql(f"DROP DATABASE IF EXISTS `{self.name}`; DROP USER IF EXISTS '{self.user}'@'localhost';")


def sql(statements: str) -> str:
    done = subprocess.run([*MARIADB, "-e", statements], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mariadb: {done.stderr.strip()}")
    return done.stdout


# -- porch ----------------------------------------------------------------------------------------
@dataclass
class Porch:
    """`porch serve` on SQLite in its own data directory; sites made with `porch site add`."""

    url: str
    process: subprocess.Popen | None
    data_dir: Path
    database_url: str
    log: Path | None
    _engine: object = None

    @classmethod
    def start(cls, data_dir: Path, port: int | None = None) -> Porch:
        data_dir.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        porch = cls(f"http://127.0.0.1:{port}", None, data_dir, f"sqlite:///{data_dir / 'porch.db'}", None)
        porch._serve()
        return porch

    def _serve(self) -> None:
        port = urlsplit(self.url).port
        self.log = self.data_dir / f"porch-{int(time.time() * 1000)}.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [
                    *self._cli(self.data_dir, self.database_url, "serve"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self._env(),
                cwd=str(self.data_dir),
            )
        ready = wait_for(
            lambda: self.process.poll() is not None or self._healthy(), timeout=120, interval=0.1
        )
        if self.process.poll() is not None or not ready:
            self.stop()
            raise RuntimeError(f"porch serve did not start:\n{self.log.read_text()[-3000:]}")

    def restart(self) -> None:
        """Start again on the same port and data (after `stop()`, as an operator brings it back)."""
        self._serve()

    @staticmethod
    def _cli(data_dir: Path, database_url: str, *command: str) -> list[str]:
        head = [sys.executable, "-m", "porch.cli", *command]
        return [*head, "--database-url", database_url, "--data-dir", str(data_dir)]

    @staticmethod
    def _env() -> dict[str, str]:
        # the tests' own settings only: nothing from a PORCH_* the developer has exported
        return {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def add_site(self, url: str) -> tuple[str, str]:
        """`porch site add URL --json`: (site id, API key)."""
        done = subprocess.run(
            [*self._cli(self.data_dir, self.database_url, "site", "add"), url, "--json"],
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"porch site add failed:\n{done.stderr}")
        answer = json.loads(done.stdout)
        return answer["site"], answer["api_key"]

    def checks(self, site: str) -> list[dict]:
        """The site's check log, oldest first: what porch was asked and what it answered."""
        from sqlalchemy import select

        from porch.store import open_database
        from porch.store import schema as t

        if self._engine is None:
            self._engine = open_database(self.database_url, pool_size=1)
        c = t.checks.c
        query = (
            select(c.guid, c.source, c.verdict, c.score, c.reasons, c.recheck, c.ip, c.feedback, c.submission)
            .join(t.sites, t.sites.c.id == c.site_id)
            .where(t.sites.c.public_id == site)
            .order_by(c.id)
        )
        with self._engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def key_sites(self, key: str) -> dict:
        """This month's figures for the key's site, as Akismet's /1.2/key-sites gives them."""
        r = httpx.post(self.url + "/1.2/key-sites", data={"api_key": key}, timeout=30)
        r.raise_for_status()
        body = r.json()
        (month,) = [v for k, v in body.items() if k not in ("limit", "offset", "total")]
        return month[0]

    def model_score(self, key: str, text: str) -> float:
        """What the site's model alone thinks of a text now (an is_test check teaches nothing)."""
        r = httpx.post(
            self.url + "/api/v1/check",
            headers={"Authorization": f"Bearer {key}"},
            json={"comment_content": text, "is_test": True},
            timeout=30,
        )
        r.raise_for_status()
        return r.json()["model_score"]

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- the recipe in docs/akismet.md ----------------------------------------------------------------
@dataclass
class Recipe:
    """docs/akismet.md's WordPress set-up, with this porch's address and key filled in."""

    mu_plugin: str  # wp-content/mu-plugins/porch-akismet.php
    wp_config: str  # the lines for wp-config.php

    @classmethod
    def from_docs(cls, porch_url: str, key: str) -> Recipe:
        text = DOCS.read_text()
        section = text[text.index("## WordPress") :]
        blocks = re.findall(r"```php\n(.*?)```", section, re.S)
        (plugin,) = [b for b in blocks if "Plugin Name:" in b]
        (config,) = [b for b in blocks if "WPCOM_API_KEY" in b]
        assert plugin.count("http://127.0.0.1:8000") == 1, "the mu-plugin's PORCH_URL example moved"
        assert config.count("your-porch-key") == 1, "the wp-config.php key example moved"
        return cls(plugin.replace("http://127.0.0.1:8000", porch_url), config.replace("your-porch-key", key))


# -- WordPress ------------------------------------------------------------------------------------
_addresses = (
    f"127.0.{a}.{b}" for a, b in itertools.product(range(random.randrange(20, 200), 250), range(2, 250))
)


def new_address() -> str:
    """A loopback address no commenter of this process has used yet."""
    return next(_addresses)


@dataclass
class Posted:
    """What wp-comments-post.php answered a commenter."""

    response: httpx.Response
    comment_id: int | None

    @property
    def status_code(self) -> int:
        return self.response.status_code


class _CommentForm(HTMLParser):
    """The fields of a page's #commentform, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "commentform":
            self._in_form, self.action = True, a.get("action")
        elif self._in_form and tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value") or ""
        elif self._in_form and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


@dataclass
class WordPress:
    """One isolated WordPress: a copied tree, its database, and (once served) PHP's built-in server."""

    root: Path
    home: str  # the site's own address (WP_HOME); requests go to 127.0.0.1:port with its Host
    port: int
    database: Database
    admin_user: str = "admin"
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    process: subprocess.Popen | None = None
    site: str = ""  # porch's site for this WordPress, and its key, once there is one
    key: str = ""

    @classmethod
    def create(
        cls,
        directory: Path,
        database: Database,
        *,
        port: int | None = None,
        home: str | None = None,
        config: str = "",
    ) -> WordPress:
        """Copy Debian's tree into `directory`, with a wp-config.php for `database` plus `config`.
        It will be served on 127.0.0.1:`port`; its address is `home` (default: that one)."""
        port = port or free_port()
        home = home or f"http://127.0.0.1:{port}"
        root = directory / "wordpress"
        shutil.copytree(DEBIAN_WORDPRESS, root, symlinks=True)
        (root / "wp-config.php").unlink()
        (root / "wp-content" / "mu-plugins").mkdir(exist_ok=True)
        salts = "\n".join(
            f"define( '{name}', '{secrets.token_hex(32)}' );"
            for name in (
                "AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT"
            ).split()
        )
        (root / "wp-config.php").write_text(
            f"""<?php
// Written by tests/wordpress/wordpress_harness.py for one test session.
define( 'DB_NAME', '{database.name}' );
define( 'DB_USER', '{database.user}' );
define( 'DB_PASSWORD', '{database.password}' );
define( 'DB_HOST', 'localhost' );  // MariaDB's socket
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
{salts}
$table_prefix = 'wp_';
define( 'WP_HOME', '{home}' );
define( 'WP_SITEURL', '{home}' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );  // only this host; porch is reached through the recipe
define( 'DISABLE_WP_CRON', true );  // no background requests in the middle of a test
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', __DIR__ . '/wp-content/debug.log' );
define( 'WP_DEBUG_DISPLAY', false );
{config}
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""
        )
        return cls(root, home, port, database)

    # -- PHP, through bridge.php
    def call(self, action: str, **args):
        done = subprocess.run(
            [*PHP, str(BRIDGE), str(self.root), action],
            input=json.dumps(args),
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "WP_BRIDGE_HOME": self.home},
        )
        if done.returncode != 0:
            raise RuntimeError(f"bridge.php {action} failed: {done.stderr.strip()}\n{done.stdout[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def install(self, title: str = "A porch test blog") -> None:
        self.call(
            "install",
            title=title,
            user=self.admin_user,
            password=self.admin_password,
            email="owner@example.org",
        )

    def add_mu_plugin(self, name: str, code: str) -> None:
        (self.root / "wp-content" / "mu-plugins" / name).write_text(code)

    def versions(self) -> dict:
        return self.call("versions")

    def create_post(self, title: str, content: str = "", date: str | None = None) -> dict:
        """A published post: {id, permalink}. `date` in the site's time, 'YYYY-MM-DD HH:MM:SS'."""
        return self.call("create_post", title=title, content=content, date=date)

    def add_comment(self, post_id: int, content: str, *, status: str = "approved", **fields) -> dict:
        """A comment put straight into WordPress (no check runs): status approved | pending | spam |
        trash; fields author, email, url, ip, agent, date, type (comment | pingback | trackback),
        parent. Returns the comment as `comment()` does."""
        return self.call("add_comment", post_id=post_id, content=content, status=status, **fields)

    def comment(self, comment_id: int) -> dict:
        """{status: approved | unapproved | spam | trash, akismet_result, akismet_history, …}"""
        return self.call("comment", id=comment_id)

    def comments(self, post_id: int) -> list[dict]:
        return self.call("comments", post_id=post_id)

    def php_problems(self) -> list[str]:
        """PHP warnings, notices and errors WordPress logged (deprecations of 6.1 on PHP 8.2 left out)."""
        log = self.root / "wp-content" / "debug.log"
        if not log.exists():
            return []
        return [
            line
            for line in log.read_text(errors="replace").splitlines()
            if re.search(r"PHP (Warning|Notice|Fatal error|Parse error)", line)
        ]

    # -- HTTP
    def serve(self) -> None:
        log = self.root.parent / "php-server.log"
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [*PHP, "-S", f"127.0.0.1:{self.port}", "-t", str(self.root), str(ROUTER)],
                stdout=out,
                stderr=subprocess.STDOUT,
                # several workers: a browser loads a page's scripts and styles at once
                env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
                cwd=str(self.root),
            )

        def up():
            if self.process.poll() is not None:
                return True
            try:
                return self.http().get("/wp-login.php").status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout=60, interval=0.1)
        if self.process.poll() is not None:
            raise RuntimeError(f"php -S exited:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def http(self, address: str | None = None) -> httpx.Client:
        """A client for this site, from loopback `address` (a commenter's own) if given."""
        transport = httpx.HTTPTransport(local_address=address) if address else None
        return httpx.Client(
            base_url=self.local_url,
            headers={"Host": urlsplit(self.home).netloc, "User-Agent": BROWSER_UA},
            transport=transport,
            timeout=60,
        )

    def path(self, url: str) -> str:
        """The path (and query) of one of the site's own absolute URLs."""
        parts = urlsplit(html.unescape(url))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def post_comment(
        self,
        permalink: str,
        *,
        author: str,
        email: str,
        text: str,
        url: str = "",
        parent: int = 0,
        address: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Posted:
        """A visitor reads the post and sends its comment form, as a browser with scripts on would
        (`extra`: more fields, or other values for the page's own, as a bot may send)."""
        with self.http(address or new_address()) as client:
            page = client.get(self.path(permalink))
            page.raise_for_status()
            form = _CommentForm()
            form.feed(page.text)
            if not form.action:
                raise AssertionError(f"no comment form on {permalink}")
            fields = {
                **form.fields,
                "author": author,
                "email": email,
                "url": url,
                "comment": text,
                "comment_parent": str(parent),
                # what akismet-frontend's inline script puts there when the page loads
                "ak_js": str(int(time.time() * 1000)),
                **(extra or {}),
            }
            answer = client.post(self.path(form.action), data=fields, headers={"Referer": permalink})
        found = re.search(r"#comment-(\d+)$", answer.headers.get("location", ""))
        return Posted(answer, int(found.group(1)) if found else None)

    def admin(self) -> httpx.Client:
        """A moderator logged in at wp-login.php (the session cookies are in the client)."""
        client = self.http()
        client.get("/wp-login.php")  # sets wordpress_test_cookie, which the login form requires
        r = client.post(
            "/wp-login.php",
            data={
                "log": self.admin_user,
                "pwd": self.admin_password,
                "wp-submit": "Log In",
                "redirect_to": self.home + "/wp-admin/",
                "testcookie": "1",
            },
        )
        if r.status_code != 302 or not any(n.startswith("wordpress_logged_in_") for n in client.cookies):
            raise RuntimeError(f"could not log in to wp-admin: HTTP {r.status_code}")
        return client

    def moderate(self, admin: httpx.Client, comment_id: int, action: str, listing: str = "all") -> None:
        """Follow a comment's row action in Comments (`listing`: all, moderated, approved, spam,
        trash) as a moderator does without scripts: the link `comment.php?action=ACTION` —
        approvecomment, unapprovecomment, spamcomment, unspamcomment, trashcomment."""
        page = admin.get("/wp-admin/edit-comments.php", params={"comment_status": listing})
        page.raise_for_status()
        row = re.search(rf"<tr id='comment-{comment_id}'.*?</tr>", page.text, re.DOTALL)
        if row is None:
            raise AssertionError(f"comment {comment_id} is not in the {listing} list")
        links = re.findall(rf'<a href="(comment\.php\?[^"]*action={action}&[^"]*)"', row.group(0))
        if not links:
            raise AssertionError(f"comment {comment_id} has no {action} link in the {listing} list")
        answer = admin.get("/wp-admin/" + html.unescape(links[0]))
        if answer.status_code != 302:
            raise AssertionError(f"{action} on comment {comment_id}: HTTP {answer.status_code}")

    def export_wxr(self, admin: httpx.Client) -> str:
        """Tools → Export → All content: the WXR file WordPress's export_wp() writes."""
        r = admin.get("/wp-admin/export.php", params={"download": "true", "content": "all"})
        r.raise_for_status()
        if "attachment" not in r.headers.get("content-disposition", ""):
            raise RuntimeError("wp-admin/export.php did not send an export file")
        return r.text


def page_text(markup: str) -> str:
    """The words of an HTML page, without scripts, styles and tags (what a person reads)."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()
