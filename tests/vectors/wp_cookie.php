<?php
/**
 * WordPress's own answers for tests/vectors/wp_cookie.json (driven by tests/unit/test_wp_cookie.py).
 *
 * Reads one site configuration and a list of operations as JSON on stdin, loads WordPress 6.1's
 * pluggable.php, default-constants.php and session-token classes from Debian's `wordpress`
 * package, and answers each operation with WordPress's functions: wp_salt, wp_generate_auth_cookie,
 * wp_validate_auth_cookie, wp_create_nonce and wp_verify_nonce. Only the database and the hook
 * system are stubbed (options, users and their session_tokens come from the input). PHP constants
 * and wp_salt's static cache cannot be reset, so each configuration runs in its own process.
 */

$input = json_decode( stream_get_contents( STDIN ), true );

define( 'ABSPATH', '/usr/share/wordpress/' );
define( 'WPINC', 'wp-includes' );
define( 'DAY_IN_SECONDS', 86400 );
define( 'HOUR_IN_SECONDS', 3600 );
define( 'WP_PLUGIN_URL', 'http://example.invalid/wp-content/plugins' );
foreach ( $input['defines'] as $name => $value ) {
	define( $name, $value );
}

$GLOBALS['vector_options'] = $input['options'];
$GLOBALS['vector_users']   = $input['users'];
$GLOBALS['vector_uid']     = 0;
$GLOBALS['vector_tick']    = null;

function is_multisite() {
	return defined( 'MULTISITE' ) && MULTISITE;
}

function get_site_option( $option, $default = false ) {
	$value = array_key_exists( $option, $GLOBALS['vector_options'] ) ? $GLOBALS['vector_options'][ $option ] : $default;
	// get_site_option is get_option on a single site, which runs the option_{$name} filters.
	return is_multisite() ? $value : apply_filters( "option_{$option}", $value );
}

function get_option( $option, $default = false ) {
	return get_site_option( $option, $default );
}

function update_site_option( $option, $value ) {
	fwrite( STDERR, "wp_salt would create the site option $option\n" );
	exit( 3 );
}

function apply_filters( $hook_name, $value, ...$args ) {
	if ( 'option_siteurl' === $hook_name ) {
		return _config_wp_siteurl( $value );
	}
	if ( 'nonce_life' === $hook_name && null !== $GLOBALS['vector_tick'] ) {
		// A nonce life that puts time() in the tick asked for, whatever the clock says.
		return 2 * time() / ( $GLOBALS['vector_tick'] - 0.5 );
	}
	return $value;
}

function do_action( ...$args ) {}

function __( $text ) {
	return $text;
}

function wp_doing_ajax() {
	return false;
}

function is_ssl() {
	return false;
}

function get_user_by( $field, $value ) {
	foreach ( $GLOBALS['vector_users'] as $user ) {
		if ( ( 'login' === $field && $user['user_login'] === $value ) || ( 'id' === $field && (int) $user['ID'] === (int) $value ) ) {
			return (object) $user;
		}
	}
	return false;
}

function get_userdata( $user_id ) {
	return get_user_by( 'id', $user_id );
}

function get_user_meta( $user_id, $key = '', $single = false ) {
	$user = get_userdata( $user_id );
	return ( $user && 'session_tokens' === $key && null !== $user->session_tokens ) ? unserialize( $user->session_tokens ) : '';
}

function wp_get_current_user() {
	return (object) array( 'ID' => $GLOBALS['vector_uid'] );
}

// The two functions below are copied from WordPress 6.1 (functions.php and user.php), whose other
// functions would collide with the stubs above.
function _config_wp_siteurl( $url = '' ) {
	if ( defined( 'WP_SITEURL' ) ) {
		return untrailingslashit( WP_SITEURL );
	}
	return $url;
}

function wp_get_session_token() {
	$cookie = wp_parse_auth_cookie( '', 'logged_in' );
	return ! empty( $cookie['token'] ) ? $cookie['token'] : '';
}

require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/pluggable.php';
require ABSPATH . WPINC . '/default-constants.php';
require ABSPATH . WPINC . '/class-wp-session-tokens.php';
require ABSPATH . WPINC . '/class-wp-user-meta-session-tokens.php';

wp_cookie_constants();

$results = array();
foreach ( $input['operations'] as $op ) {
	switch ( $op['op'] ) {
		case 'constants':
			$results[] = array(
				'COOKIEHASH'       => COOKIEHASH,
				'LOGGED_IN_COOKIE' => LOGGED_IN_COOKIE,
				'salt_logged_in'   => wp_salt( 'logged_in' ),
				'salt_nonce'       => wp_salt( 'nonce' ),
			);
			break;
		case 'generate_cookie':
			$results[] = wp_generate_auth_cookie( $op['user'], $op['expiration'], 'logged_in', $op['token'] );
			break;
		case 'validate_cookie':
			$_SERVER['REQUEST_METHOD'] = $op['method'];
			$results[]                 = wp_validate_auth_cookie( $op['cookie'], 'logged_in' );
			break;
		case 'create_nonce':
		case 'verify_nonce':
			$GLOBALS['vector_uid']  = $op['uid'];
			$GLOBALS['vector_tick'] = $op['tick'];
			$_COOKIE                = array( LOGGED_IN_COOKIE => $op['cookie'] );
			$results[]              = 'create_nonce' === $op['op'] ? wp_create_nonce( 'wp_rest' ) : wp_verify_nonce( $op['nonce'], 'wp_rest' );
			break;
		default:
			fwrite( STDERR, "unknown operation {$op['op']}\n" );
			exit( 2 );
	}
}
echo json_encode( $results, JSON_UNESCAPED_SLASHES );
