<?php
/**
 * The WP Customer plugin's admin-ajax data actions, answered by the bridge.
 *
 * Registered at priority 0 on wp_ajax_{action}, so they answer (wp_send_json + exit) before the
 * plugin's own handlers at priority 10 when the plugin is active; the plugin's nonce
 * (wp_customer_nonce, field "nonce") and capability are checked first. The browser's raw request
 * body (php://input) is forwarded, because DataTables sends many fields and PHP's
 * max_input_vars silently truncates $_POST.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Handlers for handle_customer_datatable, handle_branch_datatable,
 * handle_customer_employee_datatable and get_customer_stats.
 */
class WP_Customer_Bridge_Ajax {

	const NONCE_ACTION = 'wp_customer_nonce';
	const NONCE_FIELD  = 'nonce';

	/**
	 * The DataTables the shim answers: admin-ajax action → bridge table, row mapper, capability,
	 * and whether the plugin also answers logged-out visitors (so the shim must too).
	 */
	const TABLES = array(
		'handle_customer_datatable'          => array(
			'table'  => 'customers',
			'map'    => 'customer_row',
			'cap'    => 'view_customer_list',
			'nopriv' => true,
		),
		'handle_branch_datatable'            => array(
			'table'  => 'branches',
			'map'    => 'branch_row',
			'cap'    => 'read',
			'nopriv' => true,
		),
		'handle_customer_employee_datatable' => array(
			'table'  => 'employees',
			'map'    => 'employee_row',
			'cap'    => 'read',
			'nopriv' => false,
		),
	);

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Reads the raw request body (php://input by default; replaceable for tests).
	 *
	 * @var callable
	 */
	private $input;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Client $client Bridge client.
	 * @param callable|null             $input  Returns the raw request body.
	 */
	public function __construct( WP_Customer_Bridge_Client $client, $input = null ) {
		$this->client = $client;
		$this->input  = null !== $input ? $input : array( __CLASS__, 'read_php_input' );
	}

	/**
	 * The raw request body.
	 *
	 * @return string
	 */
	public static function read_php_input() {
		$body = file_get_contents( 'php://input' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- the raw body, not a file.
		return false === $body ? '' : $body;
	}

	/**
	 * Hook the handlers in ahead of the plugin's.
	 *
	 * @return void
	 */
	public function register() {
		foreach ( self::TABLES as $action => $spec ) {
			add_action( 'wp_ajax_' . $action, array( $this, 'handle' ), 0 );
			if ( $spec['nopriv'] ) {
				add_action( 'wp_ajax_nopriv_' . $action, array( $this, 'handle' ), 0 );
			}
		}
		add_action( 'wp_ajax_get_customer_stats', array( $this, 'handle_stats' ), 0 );
	}

	/**
	 * Answer the current DataTables action and end the request.
	 *
	 * @return void
	 */
	public function handle() {
		$action = preg_replace( '/^wp_ajax_(nopriv_)?/', '', current_action() );
		wp_send_json( $this->datatable_response( $action ) );
	}

	/**
	 * Answer get_customer_stats and end the request.
	 *
	 * @return void
	 */
	public function handle_stats() {
		$result = $this->stats_response();
		if ( $result['success'] ) {
			wp_send_json_success( $result['data'] );
		}
		wp_send_json_error( $result['data'] );
	}

	/**
	 * Method, raw query string and raw body of the browser's request.
	 *
	 * @return array{0: string, 1: string, 2: string}
	 */
	public function incoming() {
		$method = isset( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( sanitize_key( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) ) : 'POST';
		$query  = isset( $_SERVER['QUERY_STRING'] ) ? (string) wp_unslash( $_SERVER['QUERY_STRING'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- forwarded verbatim to the bridge, which validates it.
		$body   = 'GET' === $method ? '' : (string) call_user_func( $this->input );
		return array( $method, $query, $body );
	}

	/**
	 * Value of $name in a raw urlencoded string (first occurrence), without parse_str(), which
	 * is bounded by max_input_vars like $_POST.
	 *
	 * @param string $raw  Raw query string or form body.
	 * @param string $name Parameter name.
	 * @return string|null
	 */
	public static function raw_param( $raw, $name ) {
		if ( '' === (string) $raw ) {
			return null;
		}
		foreach ( explode( '&', (string) $raw ) as $pair ) {
			$parts = explode( '=', $pair, 2 );
			if ( urldecode( $parts[0] ) === $name ) {
				return isset( $parts[1] ) ? urldecode( $parts[1] ) : '';
			}
		}
		return null;
	}

	/**
	 * The raw string without the WordPress-only parameters (action, nonce): the browser's nonce
	 * is WordPress's business, never the bridge's. Everything else stays byte for byte.
	 *
	 * @param string   $raw   Raw query string or form body.
	 * @param string[] $names Parameter names to drop.
	 * @return string
	 */
	public static function strip_params( $raw, array $names = array( 'action', 'nonce', '_ajax_nonce' ) ) {
		if ( '' === (string) $raw ) {
			return '';
		}
		$kept = array();
		foreach ( explode( '&', (string) $raw ) as $pair ) {
			if ( '' === $pair ) {
				continue;
			}
			$parts = explode( '=', $pair, 2 );
			if ( in_array( urldecode( $parts[0] ), $names, true ) ) {
				continue;
			}
			$kept[] = $pair;
		}
		return implode( '&', $kept );
	}

	/**
	 * A request parameter: from $_REQUEST when PHP parsed it, else from the raw request.
	 *
	 * @param string $name  Parameter name.
	 * @param string $query Raw query string.
	 * @param string $body  Raw body.
	 * @return string|null
	 */
	private function param( $name, $query, $body ) {
		if ( isset( $_REQUEST[ $name ] ) && is_scalar( $_REQUEST[ $name ] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- reading the nonce itself, verified by the caller.
			return sanitize_text_field( wp_unslash( $_REQUEST[ $name ] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		}
		$value = self::raw_param( $body, $name );
		if ( null === $value ) {
			$value = self::raw_param( $query, $name );
		}
		return null === $value ? null : sanitize_text_field( $value );
	}

	/**
	 * Whether the request carries a valid wp_customer_nonce.
	 *
	 * @param string $query Raw query string.
	 * @param string $body  Raw body.
	 * @return bool
	 */
	private function nonce_ok( $query, $body ) {
		$nonce = $this->param( self::NONCE_FIELD, $query, $body );
		return null !== $nonce && false !== wp_verify_nonce( $nonce, self::NONCE_ACTION );
	}

	/**
	 * The DataTables JSON for one of the plugin's table actions, as the plugin's JavaScript expects it.
	 *
	 * @param string $action handle_customer_datatable, handle_branch_datatable or handle_customer_employee_datatable.
	 * @return array
	 */
	public function datatable_response( $action ) {
		list( $method, $query, $body ) = $this->incoming();
		$draw_raw                      = $this->param( 'draw', $query, $body );
		$draw                          = null === $draw_raw ? 0 : (int) $draw_raw;
		if ( ! isset( self::TABLES[ $action ] ) ) {
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, __( 'Unknown table.', 'wp-customer-bridge' ) );
		}
		$spec = self::TABLES[ $action ];
		if ( ! $this->nonce_ok( $query, $body ) ) {
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, __( 'Security check failed', 'wp-customer' ) );
		}
		if ( ! is_user_logged_in() ) {
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, __( 'You must be logged in to see this table.', 'wp-customer-bridge' ) );
		}
		if ( ! current_user_can( $spec['cap'] ) ) {
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, __( 'Sorry, you are not allowed to see this table.', 'wp-customer-bridge' ) );
		}

		$route = '/datatables/' . $spec['table'];
		if ( 'GET' === $method ) {
			$response = $this->client->request( 'GET', $route, self::strip_params( $query ) );
		} else {
			$content_type = isset( $_SERVER['CONTENT_TYPE'] ) ? sanitize_text_field( wp_unslash( $_SERVER['CONTENT_TYPE'] ) ) : '';
			if ( false === stripos( $content_type, 'application/x-www-form-urlencoded' ) ) {
				$content_type = 'application/x-www-form-urlencoded; charset=UTF-8';
			}
			$response = $this->client->request( 'POST', $route, '', self::strip_params( $body ), $content_type );
		}

		if ( ! $response->is_ok() || ! is_array( $response->data ) ) {
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, WP_Customer_Bridge_Client::message_for_current_user( $response ) );
		}
		return WP_Customer_Bridge_Renderer::datatable( $response->data, array( 'WP_Customer_Bridge_Renderer', $spec['map'] ), $draw );
	}

	/**
	 * The get_customer_stats answer: {success, data: {total_customers, total_branches, total_employees}}
	 * or {success: false, data: {message}}.
	 *
	 * @return array{success: bool, data: array}
	 */
	public function stats_response() {
		list( , $query, $body ) = $this->incoming();
		if ( ! $this->nonce_ok( $query, $body ) ) {
			return array(
				'success' => false,
				'data'    => array( 'message' => __( 'Security check failed', 'wp-customer' ) ),
			);
		}
		if ( ! is_user_logged_in() || ! current_user_can( 'read' ) ) {
			return array(
				'success' => false,
				'data'    => array( 'message' => __( 'You do not have permission to view this customer', 'wp-customer' ) ),
			);
		}
		$id       = (int) $this->param( 'id', $query, $body );
		$query    = $id > 0 ? WP_Customer_Bridge_Client::build_query( array( 'customer_id' => $id ) ) : '';
		$response = $this->client->request( 'GET', '/statistics/customers', $query );
		if ( ! $response->is_ok() || ! is_array( $response->data ) ) {
			return array(
				'success' => false,
				'data'    => array( 'message' => WP_Customer_Bridge_Client::message_for_current_user( $response ) ),
			);
		}
		$stats = array();
		foreach ( array( 'total_customers', 'total_branches', 'total_employees' ) as $key ) {
			$stats[ $key ] = isset( $response->data[ $key ] ) ? (int) $response->data[ $key ] : 0;
		}
		return array(
			'success' => true,
			'data'    => $stats,
		);
	}
}
