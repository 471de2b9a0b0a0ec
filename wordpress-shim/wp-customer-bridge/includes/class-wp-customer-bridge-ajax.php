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
 * While the bridge is unreachable, the statistics read "—" (never a misleading 0), and with
 * WP_CUSTOMER_BRIDGE_FALLBACK on, an administrator's request is left to the plugin's own handler.
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
	 * The query that asks the bridge for the plugin's rows, rendered by the bridge for this path
	 * and the browser's fast path alike.
	 *
	 * @since 0.2.0
	 */
	const SHAPE = 'shape=plugin';

	/**
	 * What a statistics box shows while the bridge cannot say (an em dash): the plugin's
	 * JavaScript writes whatever get_customer_stats answers into its boxes with .text().
	 *
	 * @since 0.2.0
	 */
	const UNKNOWN = "\u{2014}";

	/**
	 * The DataTables the shim answers: admin-ajax action → bridge table (whose rows the bridge
	 * renders in the plugin's shape), capability, and whether the plugin also answers logged-out
	 * visitors (so the shim must too).
	 */
	const TABLES = array(
		'handle_customer_datatable'          => array(
			'table'  => 'customers',
			'cap'    => 'view_customer_list',
			'nopriv' => true,
		),
		'handle_branch_datatable'            => array(
			'table'  => 'branches',
			'cap'    => 'read',
			'nopriv' => true,
		),
		'handle_customer_employee_datatable' => array(
			'table'  => 'employees',
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
	 * Answer the current DataTables action and end the request — unless the fallback applies
	 * (see steps_aside()): then return, and the plugin's own handler answers.
	 *
	 * @return void
	 */
	public function handle() {
		$action = preg_replace( '/^wp_ajax_(nopriv_)?/', '', current_action() );
		$answer = $this->datatable_response( $action );
		if ( null === $answer ) {
			return;
		}
		wp_send_json( $answer );
	}

	/**
	 * Answer get_customer_stats and end the request — unless the fallback applies.
	 *
	 * @return void
	 */
	public function handle_stats() {
		$result = $this->stats_response();
		if ( null === $result ) {
			return;
		}
		if ( $result['success'] ) {
			wp_send_json_success( $result['data'] );
		}
		wp_send_json_error( $result['data'] );
	}

	/**
	 * Whether this request is left to the WP Customer plugin's own handler of $hook: the bridge
	 * is unreachable (or answers 5xx or not JSON), WP_CUSTOMER_BRIDGE_FALLBACK is on, the user is
	 * an administrator (manage_options), and some other callback — the plugin's — is registered
	 * on the hook to answer instead. Decided per request: the next one tries the bridge again.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_Customer_Bridge_Response $response The failed answer.
	 * @param string                      $hook     The admin-ajax hook being run (wp_ajax_…).
	 * @return bool
	 */
	public function steps_aside( WP_Customer_Bridge_Response $response, $hook ) {
		if ( $response->is_ok() || ! $response->is_unavailable() || 'wpbridge_not_configured' === $response->error_code ) {
			return false;
		}
		$allowed = $this->client->settings()->fallback() && current_user_can( 'manage_options' );
		/**
		 * Filters whether the WP Customer plugin's own admin-ajax handler may answer this request
		 * while the bridge is unreachable.
		 *
		 * @since 0.2.0
		 *
		 * @param bool                        $allowed  WP_CUSTOMER_BRIDGE_FALLBACK is on and the user can manage_options.
		 * @param string                      $hook     The admin-ajax hook (wp_ajax_get_customer_stats, …).
		 * @param WP_Customer_Bridge_Response $response Why the bridge gave no answer.
		 */
		$allowed = (bool) apply_filters( 'wp_customer_bridge_fallback', $allowed, (string) $hook, $response );
		return $allowed && self::has_other_handler( (string) $hook );
	}

	/**
	 * Whether a callback other than this class's is registered on $hook.
	 *
	 * @since 0.2.0
	 *
	 * @param string $hook Hook name.
	 * @return bool
	 */
	public static function has_other_handler( $hook ) {
		global $wp_filter;
		if ( '' === $hook || ! isset( $wp_filter[ $hook ] ) || ! is_object( $wp_filter[ $hook ] ) || empty( $wp_filter[ $hook ]->callbacks ) ) {
			return false;
		}
		foreach ( $wp_filter[ $hook ]->callbacks as $callbacks ) {
			foreach ( $callbacks as $entry ) {
				if ( isset( $entry['function'] ) && __CLASS__ !== WP_Customer_Bridge_Hooks::owner_class( $entry['function'] ) ) {
					return true;
				}
			}
		}
		return false;
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
	 * @return array|null Null when the request is left to the plugin's handler (steps_aside()).
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
		$shape = self::SHAPE;
		if ( 'GET' === $method ) {
			$kept     = self::strip_params( $query, array( 'action', 'nonce', '_ajax_nonce', 'shape' ) );
			$response = $this->client->request( 'GET', $route, '' === $kept ? $shape : $kept . '&' . $shape );
		} else {
			$content_type = isset( $_SERVER['CONTENT_TYPE'] ) ? sanitize_text_field( wp_unslash( $_SERVER['CONTENT_TYPE'] ) ) : '';
			if ( false === stripos( $content_type, 'application/x-www-form-urlencoded' ) ) {
				$content_type = 'application/x-www-form-urlencoded; charset=UTF-8';
			}
			$response = $this->client->request( 'POST', $route, $shape, self::strip_params( $body, array( 'action', 'nonce', '_ajax_nonce', 'shape' ) ), $content_type );
		}

		if ( ! $response->is_ok() || ! is_array( $response->data ) ) {
			if ( $this->steps_aside( $response, (string) current_action() ) ) {
				return null;
			}
			return WP_Customer_Bridge_Renderer::datatable_error( $draw, self::failure_message( $response ) );
		}
		$answer = WP_Customer_Bridge_Permissions::answer( $response->data, get_current_user_id() );
		return WP_Customer_Bridge_Renderer::datatable( $answer, $draw );
	}

	/**
	 * The get_customer_stats answer: {success, data: {total_customers, total_branches, total_employees}}
	 * or {success: false, data: {message}}; null when the request is left to the plugin's handler.
	 *
	 * As the plugin counts them (CustomerController::getStats): customers and branches are the
	 * totals the caller may see whatever the page shows; only the employees are those of the
	 * customer named by `id` (which the plugin's JavaScript sends whenever the URL names one).
	 * The bridge counts one scope per answer, so a named customer costs a second request.
	 *
	 * While the bridge is unreachable the answer is a success whose three numbers are "—", with
	 * `bridge_unavailable` and a `message`: the plugin's JavaScript writes the values into its
	 * boxes, which then read "—" rather than the page's initial 0.
	 *
	 * @return array{success: bool, data: array}|null
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
		$id      = (int) $this->param( 'id', $query, $body );
		$answers = array( 'totals' => $this->client->request( 'GET', '/statistics/customers' ) );
		if ( $id > 0 && $answers['totals']->is_ok() ) {
			$answers['customer'] = $this->client->request( 'GET', '/statistics/customers', WP_Customer_Bridge_Client::build_query( array( 'customer_id' => $id ) ) );
		}
		foreach ( $answers as $response ) {
			if ( $response->is_ok() && is_array( $response->data ) ) {
				continue;
			}
			if ( $this->steps_aside( $response, (string) current_action() ) ) {
				return null;
			}
			if ( $response->is_unavailable() ) {
				return array(
					'success' => true,
					'data'    => array(
						'total_customers'    => self::UNKNOWN,
						'total_branches'     => self::UNKNOWN,
						'total_employees'    => self::UNKNOWN,
						'bridge_unavailable' => true,
						'message'            => WP_Customer_Bridge_Client::message_for_current_user( $response ),
					),
				);
			}
			return array(
				'success' => false,
				'data'    => array( 'message' => self::failure_message( $response ) ),
			);
		}
		$totals   = $answers['totals']->data;
		$employee = isset( $answers['customer'] ) ? $answers['customer']->data : $totals;
		return array(
			'success' => true,
			'data'    => array(
				'total_customers' => self::count_in( $totals, 'total_customers' ),
				'total_branches'  => self::count_in( $totals, 'total_branches' ),
				'total_employees' => self::count_in( $employee, 'total_employees' ),
			),
		);
	}

	/**
	 * One count of a statistics answer, as an int (0 when missing).
	 *
	 * @param array  $data Bridge answer.
	 * @param string $key  total_customers, total_branches or total_employees.
	 * @return int
	 */
	private static function count_in( array $data, $key ) {
		return isset( $data[ $key ] ) && is_scalar( $data[ $key ] ) ? (int) $data[ $key ] : 0;
	}

	/**
	 * What to tell the current user about an answer that is not usable data.
	 *
	 * @param WP_Customer_Bridge_Response $response The answer.
	 * @return string
	 */
	private static function failure_message( WP_Customer_Bridge_Response $response ) {
		if ( $response->is_ok() ) {
			return __( 'The customer data service gave an answer WordPress cannot read.', 'wp-customer-bridge' );
		}
		return WP_Customer_Bridge_Client::message_for_current_user( $response );
	}
}
