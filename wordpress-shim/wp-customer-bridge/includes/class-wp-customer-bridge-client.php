<?php
/**
 * HTTP client for the bridge: every request signed as the current WordPress user, with what
 * PHP integrations decided about that user's access (WP_Customer_Bridge_Access).
 *
 * Uses wp_remote_request(), not wp_safe_remote_request(): the "safe" variant refuses loopback
 * and private addresses and most ports, which is exactly where a bridge usually runs.
 *
 * Every request carries an X-Request-Id (a UUID): the bridge logs it with the request and puts it
 * in its error bodies, and a failed request is written to WordPress's debug log with it
 * (WP_DEBUG_LOG), so one id finds the same request on both sides.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signs, sends and interprets requests to /wp-json/wp-customer/v1 on the bridge.
 */
class WP_Customer_Bridge_Client {

	/**
	 * Settings.
	 *
	 * @var WP_Customer_Bridge_Settings
	 */
	private $settings;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Settings $settings Where the bridge is.
	 */
	public function __construct( WP_Customer_Bridge_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * The settings in use.
	 *
	 * @return WP_Customer_Bridge_Settings
	 */
	public function settings() {
		return $this->settings;
	}

	/**
	 * Build a query string the way browsers do (RFC 3986), for requests the shim composes itself.
	 *
	 * @param array $params Flat or nested parameters.
	 * @return string Without the leading "?".
	 */
	public static function build_query( array $params ) {
		return http_build_query( $params, '', '&', PHP_QUERY_RFC3986 );
	}

	/**
	 * Request target as the bridge will see it: the base URL's path, the API prefix, the route, the query.
	 *
	 * @param string $route Route under /wp-json/wp-customer/v1, starting with "/".
	 * @param string $query Raw query string, already encoded ('' for none).
	 * @return string
	 */
	public function path_and_query( $route, $query = '' ) {
		$base_path = (string) wp_parse_url( $this->settings->url(), PHP_URL_PATH );
		$target    = rtrim( $base_path, '/' ) . WP_Customer_Bridge_Settings::API_PREFIX . $route;
		return '' === (string) $query ? $target : $target . '?' . $query;
	}

	/**
	 * Send one request as a WordPress user.
	 *
	 * @param string   $method       GET, POST, …
	 * @param string   $route        Route under /wp-json/wp-customer/v1 ("/datatables/customers").
	 * @param string   $query        Raw, already-encoded query string ('' for none); forwarded byte for byte.
	 * @param string   $body         Raw body ('' for none); forwarded byte for byte.
	 * @param string   $content_type Content-Type of the body.
	 * @param int|null $user_id      Acting user (the current user when null; 0 = logged out).
	 * @param int|null $timeout      Seconds it may take (the configured timeout when null or longer).
	 * @return WP_Customer_Bridge_Response
	 */
	public function request( $method, $route, $query = '', $body = '', $content_type = '', $user_id = null, $timeout = null ) {
		if ( ! $this->settings->is_configured() ) {
			return new WP_Customer_Bridge_Response(
				0,
				null,
				'wpbridge_not_configured',
				sprintf(
					/* translators: %s: list of missing settings */
					__( 'WP Customer Bridge is not configured: %s. Set it in wp-config.php or on Settings → Customer Bridge.', 'wp-customer-bridge' ),
					implode( '; ', $this->settings->problems() )
				)
			);
		}
		list( $url, $args ) = $this->signed( $method, $route, $query, $body, $content_type, $user_id, 'application/json' );
		if ( null !== $timeout ) {
			$args['timeout'] = min( $args['timeout'], max( 1, (int) $timeout ) );
		}

		$response = $this->interpret( wp_remote_request( $url, $args ) );
		self::log_failure( $response, strtoupper( $method ), $route, $args['headers']['X-Request-Id'] );
		return $response;
	}

	/**
	 * URL and wp_remote_request() arguments of one signed request as a WordPress user.
	 *
	 * @since 0.2.0
	 *
	 * @param string   $method       GET, POST, …
	 * @param string   $route        Route under /wp-json/wp-customer/v1.
	 * @param string   $query        Raw, already-encoded query string ('' for none).
	 * @param string   $body         Raw body ('' for none).
	 * @param string   $content_type Content-Type of the body.
	 * @param int|null $user_id      Acting user (the current user when null; 0 = logged out).
	 * @param string   $accept       What the answer may be (the Accept header).
	 * @return array{0: string, 1: array}
	 */
	private function signed( $method, $route, $query, $body, $content_type, $user_id, $accept ) {
		$method  = strtoupper( $method );
		$user_id = null === $user_id ? get_current_user_id() : (int) $user_id;
		$target  = $this->path_and_query( $route, $query );
		$url     = $this->settings->url() . WP_Customer_Bridge_Settings::API_PREFIX . $route . ( '' === (string) $query ? '' : '?' . $query );
		$signer  = new WP_Customer_Bridge_Signer( $this->settings->secret() );
		$headers = $signer->headers( $method, $target, $user_id, (string) $body, null, '', WP_Customer_Bridge_Access::statement( $user_id ) );

		$headers['Accept']       = $accept;
		$headers['X-Request-Id'] = wp_generate_uuid4();
		if ( '' !== (string) $body ) {
			$headers['Content-Type'] = '' !== $content_type ? $content_type : 'application/x-www-form-urlencoded; charset=UTF-8';
		}

		$args = array(
			'method'      => $method,
			'timeout'     => $this->settings->timeout(),
			'redirection' => 0,
			'headers'     => $headers,
			'user-agent'  => 'wp-customer-bridge-shim/' . WP_CUSTOMER_BRIDGE_VERSION,
		);
		if ( '' !== (string) $body ) {
			$args['body'] = (string) $body;
		}
		return array( $url, $args );
	}

	/**
	 * Send one signed request as the current user and write the answer's body into $file, not
	 * into memory (wp_remote_request's stream mode): for files the bridge streams, such as a
	 * whole-table export. A successful answer comes back with its body left in $file; a refusal
	 * or error is interpreted as request() does (its JSON body read back from $file).
	 *
	 * @since 0.2.0
	 *
	 * @param string $method       GET or POST.
	 * @param string $route        Route under /wp-json/wp-customer/v1.
	 * @param string $query        Raw, already-encoded query string ('' for none).
	 * @param string $body         Raw body ('' for none).
	 * @param string $file         Path of the (temporary) file the body is written to.
	 * @param int    $timeout      Seconds the whole transfer may take.
	 * @return array{response: WP_Customer_Bridge_Response, raw: array|WP_Error|null}
	 *         The interpretation, and on success the raw HTTP API result (its headers).
	 */
	public function download( $method, $route, $query, $body, $file, $timeout ) {
		if ( ! $this->settings->is_configured() ) {
			return array(
				'response' => $this->request( $method, $route, $query, $body ),
				'raw'      => null,
			);
		}
		list( $url, $args ) = $this->signed( $method, $route, $query, $body, '', null, '*/*' );
		$args['stream']     = true;
		$args['filename']   = $file;
		$args['timeout']    = max( (int) $timeout, $this->settings->timeout() );
		$raw                = wp_remote_request( $url, $args );
		$status             = is_wp_error( $raw ) ? 0 : (int) wp_remote_retrieve_response_code( $raw );
		if ( $status >= 200 && $status < 300 ) {
			return array(
				'response' => new WP_Customer_Bridge_Response( $status, null ),
				'raw'      => $raw,
			);
		}
		if ( ! is_wp_error( $raw ) ) {
			// The error body is a small JSON document; read at most 64 KiB of it back.
			$raw['body'] = is_readable( $file ) ? (string) file_get_contents( $file, false, null, 0, 65536 ) : ''; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local temporary file.
		}
		$response = $this->interpret( $raw );
		self::log_failure( $response, $args['method'], $route, $args['headers']['X-Request-Id'] );
		return array(
			'response' => $response,
			'raw'      => null,
		);
	}

	/**
	 * Write a failed request to WordPress's debug log (only with WP_DEBUG_LOG), with the request id
	 * the bridge logged it under: a refusal or error status, no answer at all, or a DataTables
	 * error, which the bridge answers in-band with HTTP 200.
	 *
	 * @param WP_Customer_Bridge_Response $response   What came back.
	 * @param string                      $method     HTTP method.
	 * @param string                      $route      Route under /wp-json/wp-customer/v1.
	 * @param string                      $request_id The X-Request-Id sent.
	 * @return void
	 */
	private static function log_failure( WP_Customer_Bridge_Response $response, $method, $route, $request_id ) {
		if ( ! defined( 'WP_DEBUG_LOG' ) || ! WP_DEBUG_LOG ) {
			return;
		}
		$inband = $response->is_ok() && is_array( $response->data ) && isset( $response->data['error'] ) && is_string( $response->data['error'] );
		if ( $response->is_ok() && ! $inband ) {
			return;
		}
		$what = $inband ? 'datatables_error: ' . $response->data['error'] : $response->error_code . ': ' . $response->error_message;
		error_log( // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- only with WP_DEBUG_LOG.
			sprintf( 'WP Customer Bridge: %s %s failed (HTTP %d, request id %s): %s', $method, $route, $response->status, $request_id, $what )
		);
	}

	/**
	 * An unsigned GET of one of the bridge's operational routes (/healthz, /readyz), which live
	 * at the root rather than under the API prefix.
	 *
	 * @param string $path "/readyz" or "/healthz".
	 * @return WP_Customer_Bridge_Response
	 */
	public function probe( $path ) {
		if ( '' === $this->settings->url() ) {
			return new WP_Customer_Bridge_Response( 0, null, 'wpbridge_not_configured', implode( '; ', $this->settings->problems() ) );
		}
		$raw = wp_remote_request(
			$this->settings->url() . $path,
			array(
				'method'      => 'GET',
				'timeout'     => $this->settings->timeout(),
				'redirection' => 0,
				'headers'     => array(
					'Accept'       => 'application/json',
					'X-Request-Id' => wp_generate_uuid4(),
				),
				'user-agent'  => 'wp-customer-bridge-shim/' . WP_CUSTOMER_BRIDGE_VERSION,
			)
		);
		return $this->interpret( $raw );
	}

	/**
	 * Turn what wp_remote_request() returned into a response with an explanation.
	 *
	 * @param array|WP_Error $raw HTTP API result.
	 * @return WP_Customer_Bridge_Response
	 */
	public function interpret( $raw ) {
		$where = $this->settings->url();
		if ( is_wp_error( $raw ) ) {
			$detail = $raw->get_error_message();
			$timed  = false !== stripos( $detail, 'timed out' ) || false !== stripos( $detail, 'timeout' );
			return new WP_Customer_Bridge_Response(
				0,
				null,
				'wpbridge_unreachable',
				$timed
					? sprintf(
						/* translators: 1: bridge URL, 2: seconds, 3: error text */
						__( 'The customer data service (WP Customer Bridge at %1$s) did not answer within %2$s seconds (%3$s). Check that it is running and not overloaded, or raise WP_CUSTOMER_BRIDGE_TIMEOUT.', 'wp-customer-bridge' ),
						$where,
						$this->settings->timeout(),
						$detail
					)
					: sprintf(
						/* translators: 1: bridge URL, 2: error text */
						__( 'The customer data service (WP Customer Bridge at %1$s) cannot be reached (%2$s). Check that it is running and that WP_CUSTOMER_BRIDGE_URL is right.', 'wp-customer-bridge' ),
						$where,
						$detail
					)
			);
		}

		$status = (int) wp_remote_retrieve_response_code( $raw );
		$body   = (string) wp_remote_retrieve_body( $raw );
		$data   = '' === $body ? null : json_decode( $body, true );
		$json   = '' !== $body && JSON_ERROR_NONE === json_last_error();

		if ( $status >= 200 && $status < 300 && $json ) {
			return new WP_Customer_Bridge_Response( $status, $data );
		}
		if ( ! $json || ! is_array( $data ) ) {
			return new WP_Customer_Bridge_Response(
				$status,
				null,
				'wpbridge_bad_response',
				sprintf(
					/* translators: 1: bridge URL, 2: HTTP status */
					__( 'The customer data service (WP Customer Bridge at %1$s) gave an answer WordPress cannot read (HTTP %2$d). Check that WP_CUSTOMER_BRIDGE_URL points at the bridge itself.', 'wp-customer-bridge' ),
					$where,
					$status
				)
			);
		}

		$code    = isset( $data['code'] ) && is_string( $data['code'] ) ? $data['code'] : 'wpbridge_http_' . $status;
		$message = isset( $data['message'] ) && is_string( $data['message'] ) ? $data['message'] : '';
		return new WP_Customer_Bridge_Response( $status, $data, $code, $this->explain( $code, $status, $message ) );
	}

	/**
	 * An explanation of a refusal a site administrator can act on.
	 *
	 * @param string $code    Bridge error code.
	 * @param int    $status  HTTP status.
	 * @param string $message Bridge's own message.
	 * @return string
	 */
	private function explain( $code, $status, $message ) {
		switch ( $code ) {
			case 'wpbridge_signature_invalid':
			case 'wpbridge_signature_disabled':
			case 'wpbridge_signature_missing':
			case 'wpbridge_signature_malformed':
				return __( 'The customer data service refused WordPress\'s signature: WP_CUSTOMER_BRIDGE_SECRET must equal the bridge\'s BRIDGE_SHARED_SECRET.', 'wp-customer-bridge' );
			case 'wpbridge_signature_expired':
				return __( 'The customer data service refused the request because the clocks of WordPress and the bridge differ by more than 5 minutes; synchronise them (NTP).', 'wp-customer-bridge' );
			case 'wpbridge_unknown_user':
				return __( 'The customer data service does not know this WordPress user: check that the bridge reads the same database and table prefix as WordPress.', 'wp-customer-bridge' );
			case 'wpbridge_database_unavailable':
				return __( 'The customer data service is running but cannot reach its database.', 'wp-customer-bridge' );
		}
		if ( '' === $message ) {
			/* translators: %d: HTTP status */
			return sprintf( __( 'The customer data service answered HTTP %d.', 'wp-customer-bridge' ), $status );
		}
		return $message;
	}

	/**
	 * What to tell the current user: the explanation for administrators, a generic sentence for others
	 * (the bridge's address and configuration are not every user's business).
	 *
	 * @param WP_Customer_Bridge_Response $response A failed response.
	 * @return string
	 */
	public static function message_for_current_user( WP_Customer_Bridge_Response $response ) {
		if ( ! $response->is_unavailable() || current_user_can( 'manage_options' ) ) {
			return $response->error_message;
		}
		return __( 'Customer data is temporarily unavailable. Please try again in a moment; if it persists, tell the site administrator.', 'wp-customer-bridge' );
	}
}
