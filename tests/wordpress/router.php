<?php
/**
 * Router for PHP's built-in server in front of a WordPress tree (what Apache's mod_rewrite rules do
 * for WordPress): a file or directory that exists is served as it is, anything else is a pretty
 * permalink and goes to WordPress's index.php.
 */
$path = urldecode( parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( '/' === $path || file_exists( $_SERVER['DOCUMENT_ROOT'] . $path ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
