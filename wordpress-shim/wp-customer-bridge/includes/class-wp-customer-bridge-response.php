<?php
/**
 * One answer from the bridge, or why there was none.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Value object: HTTP status, decoded JSON, and an error code + message when it failed.
 */
class WP_Customer_Bridge_Response {

	/**
	 * HTTP status (0 when the bridge was not reached).
	 *
	 * @var int
	 */
	public $status;

	/**
	 * Decoded JSON body (null when there was none or it was not JSON).
	 *
	 * @var mixed
	 */
	public $data;

	/**
	 * Error code: '' on success; the bridge's WordPress error code, or one of
	 * wpbridge_not_configured, wpbridge_unreachable, wpbridge_bad_response.
	 *
	 * @var string
	 */
	public $error_code;

	/**
	 * A sentence for the site's administrator ('' on success).
	 *
	 * @var string
	 */
	public $error_message;

	/**
	 * Constructor.
	 *
	 * @param int    $status        HTTP status.
	 * @param mixed  $data          Decoded body.
	 * @param string $error_code    Error code ('' for success).
	 * @param string $error_message Admin-readable explanation.
	 */
	public function __construct( $status, $data, $error_code = '', $error_message = '' ) {
		$this->status        = (int) $status;
		$this->data          = $data;
		$this->error_code    = (string) $error_code;
		$this->error_message = (string) $error_message;
	}

	/**
	 * Whether the bridge answered 2xx with JSON.
	 *
	 * @return bool
	 */
	public function is_ok() {
		return '' === $this->error_code;
	}

	/**
	 * Whether the bridge could not be reached or is not configured (as opposed to refusing).
	 *
	 * @return bool
	 */
	public function is_unavailable() {
		return in_array( $this->error_code, array( 'wpbridge_not_configured', 'wpbridge_unreachable', 'wpbridge_bad_response' ), true )
			|| $this->status >= 500;
	}
}
