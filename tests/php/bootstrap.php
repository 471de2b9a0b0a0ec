<?php
/**
 * PHPUnit bootstrap: the smallest set of WordPress functions the shim's classes call, so they
 * can be unit-tested without WordPress. The end-to-end tests (tests/e2e) run the shim in a real
 * WordPress; these stubs exist only here.
 *
 * Test doubles are driven through globals, reset by Shim_TestCase::setUp():
 *   $GLOBALS['test_user']      current user id
 *   $GLOBALS['test_caps']      capabilities the current user has
 *   $GLOBALS['test_options']   get_option() values
 *   $GLOBALS['test_http']      requests made with wp_remote_request() (url, args)
 *   $GLOBALS['test_responses'] queued results for wp_remote_request() (array or WP_Error; in
 *                              stream mode the body is written to the request's filename)
 *   $GLOBALS['test_fired']     actions fired: [name, args]
 *   $GLOBALS['test_transients'] set_transient() values: [value, expiration]
 *   $GLOBALS['test_deprecated'] hooks applied through apply_filters_deprecated()
 *   $wpdb->relation_row         the row $wpdb->get_row() answers; $wpdb->queries counts its calls
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'DAY_IN_SECONDS', 86400 );
define( 'HOUR_IN_SECONDS', 3600 );
define( 'ARRAY_A', 'ARRAY_A' );

// ---- hooks (same storage shape as WP_Hook: ->callbacks[priority][] = [function, accepted_args]) ----

class Test_Hook {
	public $callbacks = array();
}

$GLOBALS['wp_filter']      = array();
$GLOBALS['wp_current_filter'] = array();

function add_filter( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	global $wp_filter;
	if ( ! isset( $wp_filter[ $hook ] ) ) {
		$wp_filter[ $hook ] = new Test_Hook();
	}
	$wp_filter[ $hook ]->callbacks[ $priority ][] = array(
		'function'      => $callback,
		'accepted_args' => $accepted_args,
	);
	ksort( $wp_filter[ $hook ]->callbacks );
	return true;
}

function add_action( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $hook, $callback, $priority, $accepted_args );
}

function remove_filter( $hook, $callback, $priority = 10 ) {
	global $wp_filter;
	if ( ! isset( $wp_filter[ $hook ]->callbacks[ $priority ] ) ) {
		return false;
	}
	foreach ( $wp_filter[ $hook ]->callbacks[ $priority ] as $i => $entry ) {
		if ( $entry['function'] === $callback ) {
			unset( $wp_filter[ $hook ]->callbacks[ $priority ][ $i ] );
			if ( empty( $wp_filter[ $hook ]->callbacks[ $priority ] ) ) {
				unset( $wp_filter[ $hook ]->callbacks[ $priority ] );
			}
			return true;
		}
	}
	return false;
}

function remove_action( $hook, $callback, $priority = 10 ) {
	return remove_filter( $hook, $callback, $priority );
}

function has_filter( $hook ) {
	global $wp_filter;
	return ! empty( $wp_filter[ $hook ]->callbacks );
}

function apply_filters_ref_array( $hook, array $args ) {
	global $wp_filter, $wp_current_filter;
	$wp_current_filter[] = $hook;
	if ( isset( $wp_filter[ $hook ] ) ) {
		// Iterate over a snapshot of priorities, re-reading each level (callbacks may detach others).
		$priorities = array_keys( $wp_filter[ $hook ]->callbacks );
		foreach ( $priorities as $priority ) {
			if ( ! isset( $wp_filter[ $hook ]->callbacks[ $priority ] ) ) {
				continue;
			}
			foreach ( $wp_filter[ $hook ]->callbacks[ $priority ] as $entry ) {
				$result = call_user_func_array( $entry['function'], array_slice( $args, 0, (int) $entry['accepted_args'] ) );
				$args[0] = $result;
			}
		}
	}
	array_pop( $wp_current_filter );
	return $args[0];
}

function apply_filters( $hook, $value, ...$args ) {
	return apply_filters_ref_array( $hook, array_merge( array( $value ), $args ) );
}

function apply_filters_deprecated( $hook, array $args, $version, $replacement = '', $message = '' ) {
	$GLOBALS['test_deprecated'][] = $hook;
	return apply_filters_ref_array( $hook, $args );
}

function do_action_ref_array( $hook, array $args ) {
	global $wp_filter, $wp_current_filter;
	$GLOBALS['test_fired'][] = array( $hook, $args );
	$wp_current_filter[]     = $hook;
	if ( isset( $wp_filter[ $hook ] ) ) {
		$priorities = array_keys( $wp_filter[ $hook ]->callbacks );
		foreach ( $priorities as $priority ) {
			if ( ! isset( $wp_filter[ $hook ]->callbacks[ $priority ] ) ) {
				continue;
			}
			foreach ( $wp_filter[ $hook ]->callbacks[ $priority ] as $entry ) {
				call_user_func_array( $entry['function'], array_slice( $args, 0, (int) $entry['accepted_args'] ) );
			}
		}
	}
	array_pop( $wp_current_filter );
}

function do_action( $hook, ...$args ) {
	do_action_ref_array( $hook, $args );
}

function __return_true() {
	return true;
}

function __return_false() {
	return false;
}

function current_action() {
	global $wp_current_filter;
	return end( $wp_current_filter );
}

// ---- escaping and sanitising (same results as WordPress for the inputs used here) ----

function wp_hash( $data, $scheme = 'auth' ) {
	return hash_hmac( 'md5', $data, 'test-salt-' . $scheme ); // WordPress: keyed by wp_salt( $scheme )
}

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_url( $url ) {
	return esc_attr( $url );
}

function esc_url_raw( $url ) {
	return (string) $url;
}

function __( $text, $domain = 'default' ) {
	return $text;
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}

function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( $text );
}

function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html( $text );
}

function wp_strip_all_tags( $text ) {
	return trim( strip_tags( (string) $text ) );
}

function sanitize_text_field( $text ) {
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $text ) ) );
}

function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}

function wp_unslash( $value ) {
	return is_array( $value ) ? array_map( 'wp_unslash', $value ) : stripslashes( (string) $value );
}

function absint( $value ) {
	return abs( (int) $value );
}

function wp_json_encode( $data ) {
	return json_encode( $data );
}

function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}

function plugin_dir_path( $file ) {
	return dirname( $file ) . '/';
}

function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}

function register_activation_hook( $file, $callback ) {
}

function register_deactivation_hook( $file, $callback ) {
}

// ---- users, options, nonces ----

function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['test_options'] ) ? $GLOBALS['test_options'][ $name ] : $default;
}

function update_option( $name, $value, $autoload = null ) {
	$GLOBALS['test_options'][ $name ] = $value;
	return true;
}

function get_transient( $name ) {
	return isset( $GLOBALS['test_transients'][ $name ] ) ? $GLOBALS['test_transients'][ $name ][0] : false;
}

function set_transient( $name, $value, $expiration = 0 ) {
	$GLOBALS['test_transients'][ $name ] = array( $value, $expiration );
	return true;
}

function delete_transient( $name ) {
	unset( $GLOBALS['test_transients'][ $name ] );
	return true;
}

function get_current_user_id() {
	return (int) $GLOBALS['test_user'];
}

function wp_set_current_user( $id ) {
	$GLOBALS['test_user'] = (int) $id;
}

function is_user_logged_in() {
	return get_current_user_id() > 0;
}

function current_user_can( $cap ) {
	return in_array( $cap, $GLOBALS['test_caps'], true );
}

function is_admin() {
	return false;
}

function wp_verify_nonce( $nonce, $action ) {
	$valid = array(
		'wp_customer_nonce'         => 'valid-nonce',
		'wp_customer_bridge_export' => 'export-nonce',
	);
	return ( isset( $valid[ $action ] ) && $valid[ $action ] === $nonce ) ? 1 : false;
}

function add_settings_error( $setting, $code, $message, $type = 'error' ) {
	$GLOBALS['test_settings_errors'][] = array( $setting, $code, $message );
}

function admin_url( $path = '' ) {
	return 'http://wp.test/wp-admin/' . ltrim( $path, '/' );
}

// ---- errors and HTTP ----

class WP_Error {
	public $code;
	public $message;
	public $data;

	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->code    = $code;
		$this->message = $message;
		$this->data    = $data;
	}

	public function get_error_message() {
		return $this->message;
	}

	public function get_error_code() {
		return $this->code;
	}

	public function get_error_data() {
		return $this->data;
	}
}

// As WordPress's own (wp-includes/functions.php): a random version-4 UUID.
function wp_generate_uuid4() {
	return sprintf(
		'%04x%04x-%04x-%04x-%04x-%04x%04x%04x',
		mt_rand( 0, 0xffff ),
		mt_rand( 0, 0xffff ),
		mt_rand( 0, 0xffff ),
		mt_rand( 0, 0x0fff ) | 0x4000,
		mt_rand( 0, 0x3fff ) | 0x8000,
		mt_rand( 0, 0xffff ),
		mt_rand( 0, 0xffff ),
		mt_rand( 0, 0xffff )
	);
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

function wp_remote_request( $url, $args = array() ) {
	$GLOBALS['test_http'][] = array(
		'url'  => $url,
		'args' => $args,
	);
	if ( empty( $GLOBALS['test_responses'] ) ) {
		return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1 port 9: Connection refused' );
	}
	$response = array_shift( $GLOBALS['test_responses'] );
	if ( is_array( $response ) && ! empty( $args['stream'] ) && ! empty( $args['filename'] ) ) {
		// As WP_Http in stream mode: the body goes to the file, not into the result
		// ('body_file': a big body prepared on disk, copied without loading it).
		if ( isset( $response['body_file'] ) ) {
			copy( $response['body_file'], $args['filename'] );
		} else {
			file_put_contents( $args['filename'], $response['body'] );
		}
		$response['body'] = '';
	}
	return $response;
}

function wp_remote_retrieve_header( $response, $header ) {
	$header = strtolower( $header );
	return is_array( $response ) && isset( $response['headers'][ $header ] ) ? $response['headers'][ $header ] : '';
}

/**
 * wp_die() ends the request in WordPress; here it throws, carrying what the page would say.
 */
class Test_WP_Die extends Exception {
	public $title;
	public $args;

	public function __construct( $message, $title, $args ) {
		parent::__construct( (string) $message );
		$this->title = $title;
		$this->args  = $args;
	}
}

function wp_die( $message = '', $title = '', $args = array() ) {
	throw new Test_WP_Die( $message, $title, $args );
}

function wp_tempnam( $filename = '' ) {
	return tempnam( sys_get_temp_dir(), $filename );
}

function wp_delete_file( $file ) {
	if ( file_exists( $file ) ) {
		unlink( $file );
	}
}

function wp_remote_retrieve_response_code( $response ) {
	return is_array( $response ) && isset( $response['response']['code'] ) ? $response['response']['code'] : '';
}

function wp_remote_retrieve_body( $response ) {
	return is_array( $response ) && isset( $response['body'] ) ? $response['body'] : '';
}

// ---- REST and database, for the events route ----

class WP_REST_Request {
	private $method;
	private $headers;
	private $body;
	private $params = array();

	public function __construct( $method, array $headers, $body ) {
		$this->method  = $method;
		$this->headers = array_change_key_case( $headers, CASE_LOWER );
		$this->body    = $body;
	}

	public function get_method() {
		return $this->method;
	}

	public function get_header( $name ) {
		$name = str_replace( '_', '-', strtolower( $name ) );
		return isset( $this->headers[ $name ] ) ? $this->headers[ $name ] : null;
	}

	public function get_body() {
		return $this->body;
	}

	public function set_param( $key, $value ) {
		$this->params[ $key ] = $value;
	}

	public function get_param( $key ) {
		return isset( $this->params[ $key ] ) ? $this->params[ $key ] : null;
	}
}

/**
 * Just enough of wpdb for the events table (INSERT IGNORE on a primary key, DELETE) and the relation lookup.
 */
class Test_WPDB {
	public $prefix       = 'wp_';
	public $rows         = array();
	public $relation_row = array( 'owner' => '0', 'branch_admin' => '0', 'employee' => '0' );
	public $queries      = 0;

	public function get_row( $sql, $output = 'OBJECT' ) {
		++$this->queries;
		return $this->relation_row;
	}

	public function prepare( $query, ...$args ) {
		$args = array_map(
			static function ( $value ) {
				return "'" . addslashes( (string) $value ) . "'";
			},
			$args
		);
		return vsprintf( str_replace( '%s', '%s', $query ), $args );
	}

	public function suppress_errors( $on = true ) {
		return false;
	}

	public function query( $sql ) {
		if ( preg_match( "/INSERT IGNORE INTO \S+ \(event_id, action, received_at\) VALUES \('([^']*)', '([^']*)'/", $sql, $m ) ) {
			if ( isset( $this->rows[ $m[1] ] ) ) {
				return 0;
			}
			$this->rows[ $m[1] ] = $m[2];
			return 1;
		}
		return false;
	}

	public function delete( $table, array $where ) {
		unset( $this->rows[ $where['event_id'] ] );
		return 1;
	}

	public function get_charset_collate() {
		return '';
	}
}

$GLOBALS['wpdb'] = new Test_WPDB();

require dirname( __DIR__, 2 ) . '/wordpress-shim/wp-customer-bridge/wp-customer-bridge.php';
require __DIR__ . '/Shim_TestCase.php';
