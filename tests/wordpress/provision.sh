#!/usr/bin/env bash
# What tests/wordpress needs on the machine, installed and started when missing (as root; .ci/run
# runs this, and so does tests/wordpress/conftest.py when it finds something missing):
#
# - Debian's WordPress 6.1, whose package carries the Akismet plugin, and its default theme (the
#   post pages with the comment form are rendered by it);
# - PHP's CLI (its built-in server serves WordPress) with the extensions WordPress uses: mysqli,
#   XML (the WXR export), cURL (its HTTP API), mbstring;
# - MariaDB, started on its socket if it is not running (the command the machines use).
#
# `wordpress` depends on "apache2 | httpd", so apt installs Apache too; it is not used (Debian's
# policy-rc.d on these machines keeps it from starting, and the tests use free ports anyway).
set -euo pipefail

packages=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-xml php-curl php-mbstring mariadb-server)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "tests/wordpress: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! mariadb --user=root -e 'SELECT 1' >/dev/null 2>&1; then
    echo "tests/wordpress: starting MariaDB"
    install -d -o mysql -g mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 120); do
        mariadb --user=root -e 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.5
    done
    mariadb --user=root -e 'SELECT 1' >/dev/null || { echo "tests/wordpress: MariaDB did not start" >&2; exit 1; }
fi

php -r 'echo "tests/wordpress: PHP ", PHP_VERSION, "; ";'
sed -n "s/^\$wp_version = '\(.*\)';/WordPress \1; /p" /usr/share/wordpress/wp-includes/version.php | tr -d '\n'
mariadb --user=root --batch --skip-column-names -e 'SELECT CONCAT("MariaDB ", VERSION())'
