<?php
/**
 * Base class: fresh stubs per test, and helpers for bridge answers.
 */

use PHPUnit\Framework\TestCase;

abstract class Shim_TestCase extends TestCase {

	const SECRET = 'test-shared-secret-0123456789abcdef';
	const URL    = 'http://127.0.0.1:9';

	protected function setUp(): void {
		$GLOBALS['test_user']         = 7;
		$GLOBALS['test_caps']         = array( 'read', 'view_customer_list' );
		$GLOBALS['test_options']      = array();
		$GLOBALS['test_http']         = array();
		$GLOBALS['test_responses']    = array();
		$GLOBALS['test_fired']        = array();
		$GLOBALS['test_transients']   = array();
		$GLOBALS['test_deprecated']   = array();
		$GLOBALS['test_settings_errors'] = array();
		$GLOBALS['wp_filter']         = array();
		$GLOBALS['wp_current_filter'] = array();
		$GLOBALS['wpdb']              = new Test_WPDB();
		$_POST                        = array();
		$_REQUEST                     = array();
		$_SERVER['REQUEST_METHOD']    = 'POST';
		$_SERVER['QUERY_STRING']      = '';
		unset( $_SERVER['CONTENT_TYPE'] );
	}

	/**
	 * Settings pointing at a bridge at $url.
	 */
	protected function settings( $url = self::URL, $timeout = 3 ) {
		return new WP_Customer_Bridge_Settings(
			array(
				'url'     => $url,
				'secret'  => self::SECRET,
				'timeout' => $timeout,
			)
		);
	}

	protected function client( $url = self::URL ) {
		return new WP_Customer_Bridge_Client( $this->settings( $url ) );
	}

	/**
	 * Queue an HTTP answer for the next wp_remote_request().
	 */
	protected function answer( $status, $body ) {
		$GLOBALS['test_responses'][] = array(
			'response' => array( 'code' => $status ),
			'body'     => is_string( $body ) ? $body : json_encode( $body ),
		);
	}

	protected function last_request() {
		$this->assertNotEmpty( $GLOBALS['test_http'], 'no HTTP request was made' );
		return end( $GLOBALS['test_http'] );
	}

	/**
	 * Run a callable with the current action set (as WordPress does while firing it).
	 */
	protected function as_action( $action, callable $fn ) {
		$GLOBALS['wp_current_filter'][] = $action;
		try {
			return $fn();
		} finally {
			array_pop( $GLOBALS['wp_current_filter'] );
		}
	}
}
