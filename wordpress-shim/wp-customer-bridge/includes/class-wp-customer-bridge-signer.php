<?php
/**
 * Request signing shared with the bridge.
 *
 * WordPress authenticates the browser; the shim then states "this is user N" in four headers,
 * signed with the shared secret over six lines:
 *
 *     METHOD
 *     PATH?QUERY   (exactly as sent; no "?" when there is no query)
 *     TIMESTAMP    (unix seconds)
 *     NONCE
 *     USER
 *     hex(SHA256(body))
 *     ACCESS       (only when the X-WP-Bridge-Access header is sent: the access statement of
 *                   WP_Customer_Bridge_Access, e.g. "customer=platform;branch=none")
 *
 * The same class verifies the bridge's signature on the events it delivers. Pinned by the shared
 * test vectors in tests/vectors/signature.json (tests/php/SignerTest.php).
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Pure signing functions: no WordPress calls, so they are testable anywhere.
 */
class WP_Customer_Bridge_Signer {

	const HEADER_USER      = 'X-WP-Bridge-User';
	const HEADER_TIMESTAMP = 'X-WP-Bridge-Timestamp';
	const HEADER_NONCE     = 'X-WP-Bridge-Nonce';
	const HEADER_SIGNATURE = 'X-WP-Bridge-Signature';

	/**
	 * The optional access statement, signed as a seventh line when sent.
	 *
	 * @since 0.2.0
	 */
	const HEADER_ACCESS = 'X-WP-Bridge-Access';

	/**
	 * Largest clock difference accepted, in seconds (the bridge uses the same).
	 */
	const MAX_SKEW = 300;

	/**
	 * The shared secret.
	 *
	 * @var string
	 */
	private $secret;

	/**
	 * Constructor.
	 *
	 * @param string $secret The secret shared with the bridge (BRIDGE_SHARED_SECRET).
	 */
	public function __construct( $secret ) {
		$this->secret = (string) $secret;
	}

	/**
	 * The six signed lines, seven with an access statement.
	 *
	 * @since 0.2.0 The optional $access line.
	 *
	 * @param string     $method         HTTP method.
	 * @param string     $path_and_query Raw request target, never re-encoded.
	 * @param int|string $timestamp      Unix seconds as sent.
	 * @param string     $nonce          Random request nonce.
	 * @param int|string $user           WordPress user id (0 = logged-out visitor).
	 * @param string     $body           Exact request body.
	 * @param string     $access         Access statement ('' for none: six lines).
	 * @return string
	 */
	public static function string_to_sign( $method, $path_and_query, $timestamp, $nonce, $user, $body, $access = '' ) {
		$lines = array(
			strtoupper( (string) $method ),
			(string) $path_and_query,
			(string) $timestamp,
			(string) $nonce,
			(string) $user,
			hash( 'sha256', (string) $body ),
		);
		if ( '' !== (string) $access ) {
			$lines[] = (string) $access;
		}
		return implode( "\n", $lines );
	}

	/**
	 * Hex HMAC-SHA256 of the string to sign.
	 *
	 * @param string     $method         HTTP method.
	 * @param string     $path_and_query Raw request target.
	 * @param int|string $timestamp      Unix seconds.
	 * @param string     $nonce          Request nonce.
	 * @param int|string $user           User id.
	 * @param string     $body           Request body.
	 * @param string     $access         Access statement ('' for none).
	 * @return string Lower-case hex.
	 */
	public function sign( $method, $path_and_query, $timestamp, $nonce, $user, $body, $access = '' ) {
		return hash_hmac( 'sha256', self::string_to_sign( $method, $path_and_query, $timestamp, $nonce, $user, $body, $access ), $this->secret );
	}

	/**
	 * A fresh nonce: 32 characters of [0-9a-f], never reused in practice.
	 *
	 * @return string
	 */
	public static function new_nonce() {
		return bin2hex( random_bytes( 16 ) );
	}

	/**
	 * The four headers for a request made as $user, and the access statement when there is one.
	 *
	 * @since 0.2.0 The optional $access statement.
	 *
	 * @param string   $method         HTTP method.
	 * @param string   $path_and_query Raw request target.
	 * @param int      $user           User id.
	 * @param string   $body           Request body.
	 * @param int|null $timestamp      Unix seconds (now when null).
	 * @param string   $nonce          Nonce (fresh when empty).
	 * @param string   $access         Access statement ('' for none).
	 * @return array<string, string>
	 */
	public function headers( $method, $path_and_query, $user, $body = '', $timestamp = null, $nonce = '', $access = '' ) {
		$timestamp = null === $timestamp ? time() : (int) $timestamp;
		$nonce     = '' === $nonce ? self::new_nonce() : $nonce;
		$user      = (string) max( 0, (int) $user );
		$headers   = array(
			self::HEADER_USER      => $user,
			self::HEADER_TIMESTAMP => (string) $timestamp,
			self::HEADER_NONCE     => $nonce,
			self::HEADER_SIGNATURE => $this->sign( $method, $path_and_query, $timestamp, $nonce, $user, $body, $access ),
		);
		if ( '' !== (string) $access ) {
			$headers[ self::HEADER_ACCESS ] = (string) $access;
		}
		return $headers;
	}

	/**
	 * Check a signed request; returns the asserted user id or a short error code.
	 *
	 * @param string                $method         HTTP method.
	 * @param string                $path_and_query Raw request target as received.
	 * @param array<string, string> $headers        Header values keyed by the constants above (any case).
	 * @param string                $body           Raw body.
	 * @param int|null              $now            Current unix time (now when null).
	 * @return int|string User id (int) when valid, else one of: missing, malformed, expired, invalid.
	 */
	public function verify( $method, $path_and_query, array $headers, $body, $now = null ) {
		$now     = null === $now ? time() : (int) $now;
		$lowered = array_change_key_case( $headers, CASE_LOWER );
		$values  = array();
		foreach ( array( self::HEADER_USER, self::HEADER_TIMESTAMP, self::HEADER_NONCE, self::HEADER_SIGNATURE ) as $name ) {
			$key = strtolower( $name );
			if ( ! isset( $lowered[ $key ] ) || ! is_string( $lowered[ $key ] ) || '' === $lowered[ $key ] ) {
				return 'missing';
			}
			$values[] = $lowered[ $key ];
		}
		list( $user, $timestamp, $nonce, $signature ) = $values;
		if ( ! preg_match( '/^[0-9]{1,20}$/', $user ) || ! preg_match( '/^-?[0-9]{1,20}$/', $timestamp )
			|| ! preg_match( '/^[A-Za-z0-9_-]{16,128}$/', $nonce ) ) {
			return 'malformed';
		}
		if ( abs( $now - (int) $timestamp ) > self::MAX_SKEW ) {
			return 'expired';
		}
		if ( '' === $this->secret ) {
			return 'invalid';
		}
		$access   = isset( $lowered[ strtolower( self::HEADER_ACCESS ) ] ) ? (string) $lowered[ strtolower( self::HEADER_ACCESS ) ] : '';
		$expected = $this->sign( $method, $path_and_query, $timestamp, $nonce, $user, $body, $access );
		if ( ! hash_equals( $expected, strtolower( $signature ) ) ) {
			return 'invalid';
		}
		return (int) $user;
	}
}
