<?php
/**
 * The PHP half of tests/wordpress/wordpress_harness.py: runs one WordPress function in a real install.
 *
 *     php bridge.php /path/to/wordpress ACTION   < JSON arguments   → JSON answer on stdout
 *
 * Python cannot call WordPress, and driving wp-admin for every fixture (a post, a pingback, a comment
 * left in the trash) would be slow and brittle; so the harness asks WordPress itself, through its own
 * API functions (wp_install, wp_insert_post, wp_insert_comment, wp_spam_comment …), exactly as a
 * plugin or wp-cli would. Nothing here writes to the database behind WordPress's back. Each action
 * is small and named for what it does; an unknown action or a WordPress error exits non-zero with
 * the reason on stderr.
 */

if ( $argc < 3 ) {
	fwrite( STDERR, "usage: php bridge.php WORDPRESS_DIR ACTION < args.json\n" );
	exit( 2 );
}
$bridge_root   = rtrim( $argv[1], '/' );
$bridge_action = $argv[2];
$bridge_args   = json_decode( stream_get_contents( STDIN ), true ) ?: array();

if ( 'install' === $bridge_action ) {
	define( 'WP_INSTALLING', true );
}
// WordPress reads these in a web request; a CLI run has none.
$_SERVER['HTTP_HOST']   = parse_url( getenv( 'WP_BRIDGE_HOME' ) ?: 'http://localhost', PHP_URL_HOST );
$_SERVER['REQUEST_URI'] = '/';
// WordPress runs in the global scope and reuses names like $action and $args: ours are prefixed.
require $bridge_root . '/wp-load.php';

function bridge_fail( $message ) {
	fwrite( STDERR, $message . "\n" );
	exit( 1 );
}

function bridge_check( $result ) {
	if ( is_wp_error( $result ) ) {
		bridge_fail( $result->get_error_message() );
	}
	if ( false === $result || 0 === $result ) {
		bridge_fail( 'WordPress refused' );
	}
	return $result;
}

/** A comment as a moderator sees it: status, thread, and what Akismet recorded about it. */
function bridge_comment( $id ) {
	$c = get_comment( $id );
	if ( ! $c ) {
		return null;
	}
	$history = array();
	foreach ( get_comment_meta( $c->comment_ID, 'akismet_history', false ) as $event ) {
		$history[] = $event['event'];
	}
	return array(
		'id'                 => (int) $c->comment_ID,
		'post_id'            => (int) $c->comment_post_ID,
		'parent'             => (int) $c->comment_parent,
		'status'             => wp_get_comment_status( $c ),  // approved | unapproved | spam | trash
		'type'               => $c->comment_type,
		'author'             => $c->comment_author,
		'author_email'       => $c->comment_author_email,
		'author_ip'          => $c->comment_author_IP,
		'content'            => $c->comment_content,
		'date_gmt'           => $c->comment_date_gmt,
		'akismet_result'     => get_comment_meta( $c->comment_ID, 'akismet_result', true ),
		'akismet_user_result' => get_comment_meta( $c->comment_ID, 'akismet_user_result', true ),
		'akismet_error'      => (bool) get_comment_meta( $c->comment_ID, 'akismet_error', true ),
		'akismet_history'    => $history,
	);
}

switch ( $bridge_action ) {
	case 'install':
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$result = wp_install( $bridge_args['title'], $bridge_args['user'], $bridge_args['email'], true, '', wp_slash( $bridge_args['password'] ), 'en_US' );
		$out    = array( 'user_id' => (int) $result['user_id'] );
		break;

	case 'versions':
		global $wpdb;
		$out = array(
			'wordpress' => $GLOBALS['wp_version'],
			'php'       => PHP_VERSION,
			'database'  => $wpdb->get_var( 'SELECT VERSION()' ),
			'akismet'   => defined( 'AKISMET_VERSION' ) ? AKISMET_VERSION : null,
		);
		break;

	case 'activate_plugin':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$result = activate_plugin( $bridge_args['plugin'] );
		if ( is_wp_error( $result ) ) {
			bridge_fail( $result->get_error_message() );
		}
		$out = get_option( 'active_plugins' );
		break;

	case 'set_options':
		foreach ( $bridge_args as $name => $value ) {
			update_option( $name, $value );
		}
		$out = array_map( 'get_option', array_combine( array_keys( $bridge_args ), array_keys( $bridge_args ) ) );
		break;

	case 'get_options':
		$out = array();
		foreach ( $bridge_args['names'] as $name ) {
			$out[ $name ] = get_option( $name );
		}
		break;

	case 'set_permalinks':
		// Settings → Permalinks: pretty URLs like most blogs have (router.php serves them)
		global $wp_rewrite;
		$wp_rewrite->set_permalink_structure( $bridge_args['structure'] );
		flush_rewrite_rules( false );
		$out = get_option( 'permalink_structure' );
		break;

	case 'create_post':
		$post = array(
			'post_title'   => $bridge_args['title'],
			'post_content' => $bridge_args['content'] ?? '',
			'post_status'  => 'publish',
			'post_author'  => $bridge_args['author'] ?? 1,
		);
		if ( ! empty( $bridge_args['date'] ) ) {
			$post['post_date']     = $bridge_args['date'];
			$post['post_date_gmt'] = get_gmt_from_date( $bridge_args['date'] );
		}
		$id  = bridge_check( wp_insert_post( wp_slash( $post ), true ) );
		$out = array( 'id' => $id, 'permalink' => get_permalink( $id ) );
		break;

	case 'add_comment':
		// Straight into the table through WordPress's API, as an importer or a moderator would
		// leave it: no comment check runs here (that is what the comment form is for). Spam and
		// trash go through wp_spam_comment / wp_trash_comment so WordPress records the status
		// they came from, as its own screens do.
		$status = $bridge_args['status'] ?? 'approved';
		$data   = array(
			'comment_post_ID'      => $bridge_args['post_id'],
			'comment_author'       => $bridge_args['author'] ?? '',
			'comment_author_email' => $bridge_args['email'] ?? '',
			'comment_author_url'   => $bridge_args['url'] ?? '',
			'comment_author_IP'    => $bridge_args['ip'] ?? '',
			'comment_agent'        => $bridge_args['agent'] ?? '',
			'comment_content'      => $bridge_args['content'],
			'comment_type'         => $bridge_args['type'] ?? 'comment',
			'comment_parent'       => $bridge_args['parent'] ?? 0,
			'user_id'              => $bridge_args['user_id'] ?? 0,
			'comment_approved'     => in_array( $status, array( 'approved', 'trash' ), true ) ? 1 : 0,
		);
		if ( ! empty( $bridge_args['date'] ) ) {
			$data['comment_date']     = $bridge_args['date'];
			$data['comment_date_gmt'] = get_gmt_from_date( $bridge_args['date'] );
		}
		$id = bridge_check( wp_insert_comment( wp_slash( $data ) ) );
		if ( 'spam' === $status ) {
			bridge_check( wp_spam_comment( $id ) );
		} elseif ( 'trash' === $status ) {
			bridge_check( wp_trash_comment( $id ) );
		} elseif ( ! in_array( $status, array( 'approved', 'pending' ), true ) ) {
			bridge_fail( "unknown status $status (approved, pending, spam or trash)" );
		}
		$out = bridge_comment( $id );
		break;

	case 'set_comment_status':
		// approve | hold | spam | unspam | trash | untrash, through the functions WordPress's screens
		// and REST API use (trash and spam remember the status they came from)
		$moves = array( 'spam' => 'wp_spam_comment', 'unspam' => 'wp_unspam_comment', 'trash' => 'wp_trash_comment', 'untrash' => 'wp_untrash_comment' );
		$to    = $bridge_args['status'];
		bridge_check( isset( $moves[ $to ] ) ? $moves[ $to ]( $bridge_args['id'] ) : wp_set_comment_status( $bridge_args['id'], $to ) );
		$out = bridge_comment( $bridge_args['id'] );
		break;

	case 'comment':
		$out = bridge_comment( $bridge_args['id'] );
		break;

	case 'comments':
		$out = array();
		foreach ( get_comments( array( 'post_id' => $bridge_args['post_id'], 'status' => 'any' /* every status */, 'orderby' => 'comment_ID', 'order' => 'ASC', 'type' => 'all' ) ) as $c ) {
			$out[] = bridge_comment( $c->comment_ID );
		}
		usort( $out, function ( $a, $b ) { return $a['id'] - $b['id']; } );
		break;

	case 'akismet_cron_recheck':
		// what WP-Cron runs for comments the plugin could not check (the tests turn WP-Cron off)
		$out = array( 'ran' => false !== Akismet::cron_recheck() );
		break;

	default:
		bridge_fail( "unknown action $bridge_action" );
}

echo json_encode( $out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ), "\n";
