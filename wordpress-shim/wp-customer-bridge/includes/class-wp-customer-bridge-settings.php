<?php
/**
 * Where the bridge is and how to talk to it.
 *
 * Constants in wp-config.php win (WP_CUSTOMER_BRIDGE_URL, WP_CUSTOMER_BRIDGE_SECRET,
 * WP_CUSTOMER_BRIDGE_TIMEOUT); otherwise the values saved on Settings → Customer Bridge.
 * WP_CUSTOMER_BRIDGE_FALLBACK exists only as a constant.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Read-only view of the shim's settings.
 */
class WP_Customer_Bridge_Settings {

	const OPTION          = 'wp_customer_bridge_settings';
	const DEFAULT_TIMEOUT = 5.0;
	const MIN_TIMEOUT     = 0.5;
	const MAX_TIMEOUT     = 60.0;
	const API_PREFIX      = '/wp-json/wp-customer/v1';

	/**
	 * Saved option values.
	 *
	 * @var array
	 */
	private $saved;

	/**
	 * Constructor.
	 *
	 * @param array|null $saved Option values (read from the database when null).
	 */
	public function __construct( $saved = null ) {
		if ( null === $saved ) {
			$saved = get_option( self::OPTION, array() );
		}
		$this->saved = is_array( $saved ) ? $saved : array();
	}

	/**
	 * Whether a setting comes from a wp-config.php constant (then the settings page shows it read-only).
	 *
	 * @param string $key url, secret or timeout.
	 * @return bool
	 */
	public static function from_constant( $key ) {
		return defined( self::constant_name( $key ) );
	}

	/**
	 * The constant behind a setting.
	 *
	 * @param string $key url, secret or timeout.
	 * @return string
	 */
	public static function constant_name( $key ) {
		return 'WP_CUSTOMER_BRIDGE_' . strtoupper( $key );
	}

	/**
	 * Raw value of a setting: the constant if defined, else the saved option.
	 *
	 * @param string $key url, secret or timeout.
	 * @return mixed
	 */
	private function raw( $key ) {
		if ( self::from_constant( $key ) ) {
			return constant( self::constant_name( $key ) );
		}
		return isset( $this->saved[ $key ] ) ? $this->saved[ $key ] : '';
	}

	/**
	 * Normalise a bridge base URL: no trailing slash, no API prefix pasted along.
	 *
	 * @param mixed $url What the admin typed.
	 * @return string
	 */
	public static function normalise_url( $url ) {
		$url = trim( (string) $url );
		$url = rtrim( $url, '/' );
		if ( substr( $url, -strlen( self::API_PREFIX ) ) === self::API_PREFIX ) {
			$url = substr( $url, 0, -strlen( self::API_PREFIX ) );
		}
		if ( '' === $url || ! preg_match( '#^https?://[^/?\#\s]+(/[^?\#\s]*)?$#i', $url ) ) {
			return '';
		}
		return rtrim( $url, '/' );
	}

	/**
	 * Clamp a timeout to something the HTTP API accepts.
	 *
	 * @param mixed $value Seconds.
	 * @return float
	 */
	public static function normalise_timeout( $value ) {
		if ( '' === $value || null === $value || ! is_numeric( $value ) ) {
			return self::DEFAULT_TIMEOUT;
		}
		return (float) min( self::MAX_TIMEOUT, max( self::MIN_TIMEOUT, (float) $value ) );
	}

	/**
	 * The bridge's base URL ('' when unset or not an http(s) URL).
	 *
	 * @return string
	 */
	public function url() {
		return self::normalise_url( $this->raw( 'url' ) );
	}

	/**
	 * The shared secret ('' when unset).
	 *
	 * @return string
	 */
	public function secret() {
		return trim( (string) $this->raw( 'secret' ) );
	}

	/**
	 * Seconds to wait for the bridge.
	 *
	 * @return float
	 */
	public function timeout() {
		return self::normalise_timeout( $this->raw( 'timeout' ) );
	}

	/**
	 * Whether the shim can talk to the bridge at all.
	 *
	 * @return bool
	 */
	public function is_configured() {
		return '' !== $this->url() && strlen( $this->secret() ) >= 16;
	}

	/**
	 * Whether WP_CUSTOMER_BRIDGE_FALLBACK is on: while the bridge is unreachable, administrators'
	 * admin-ajax requests are left to the WP Customer plugin's own handlers. Off unless the
	 * constant is defined truthy (true, 1, "yes", "on") in wp-config.php; there is no option for
	 * it, because it changes who answers, not how to reach the bridge.
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public function fallback() {
		if ( ! defined( 'WP_CUSTOMER_BRIDGE_FALLBACK' ) ) {
			return false;
		}
		return true === filter_var( constant( 'WP_CUSTOMER_BRIDGE_FALLBACK' ), FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE );
	}

	/**
	 * What is missing, for notices (empty when configured).
	 *
	 * @return string[]
	 */
	public function problems() {
		$problems = array();
		if ( '' === $this->url() ) {
			$problems[] = __( 'the bridge URL (WP_CUSTOMER_BRIDGE_URL, e.g. http://127.0.0.1:8080) is missing or not an http(s) URL', 'wp-customer-bridge' );
		}
		if ( strlen( $this->secret() ) < 16 ) {
			$problems[] = __( 'the shared secret (WP_CUSTOMER_BRIDGE_SECRET, the bridge\'s BRIDGE_SHARED_SECRET, at least 16 characters) is missing or too short', 'wp-customer-bridge' );
		}
		return $problems;
	}
}
