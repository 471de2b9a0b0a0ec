<?php
/**
 * Lifecycle events from the bridge, re-fired inside WordPress.
 *
 * When the bridge writes (REST API), it records each action the plugin would have fired in its
 * outbox and delivers it here, signed like the shim's own requests, at least once
 * and in order per entity. This route verifies the signature, ignores an event id it has already
 * handled (so at-least-once delivery becomes exactly-once), and re-fires the action under the
 * plugin's names and arguments, as the acting user, so WordPress listeners still run.
 * A signed `{"kind": "ping"}` is answered with WordPress's time and nothing else (`wpbridge doctor`).
 *
 * The plugin's own handlers of those actions (head-office creation, cleanup cascades) are
 * detached while an event is replayed: the bridge has already done that work in the same
 * transaction, and running it again would write the rows twice.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/wp-customer-bridge/v1/events.
 */
class WP_Customer_Bridge_Events {

	const REST_NAMESPACE = 'wp-customer-bridge/v1';
	const ROUTE          = '/events';
	const TABLE          = 'customer_bridge_events';
	const DB_VERSION     = '1';
	const DB_OPTION      = 'wp_customer_bridge_db_version';
	const PRUNE_HOOK     = 'wp_customer_bridge_prune_events';
	const KEEP_DAYS      = 30;
	const KEYS_PROBE     = 'wpbridge-doctor-keys-v1'; // the fixed text of the ping's key check (pong())

	/**
	 * How deep we are in replaying bridge events (0 = not replaying).
	 *
	 * @var int
	 */
	private static $replaying = 0;

	/**
	 * Settings (for the shared secret).
	 *
	 * @var WP_Customer_Bridge_Settings
	 */
	private $settings;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Settings $settings Settings.
	 */
	public function __construct( WP_Customer_Bridge_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Whether the current action is being re-fired from a bridge event (then WordPress did not
	 * write the tables itself, and the bridge must not be told to invalidate).
	 *
	 * @return bool
	 */
	public static function is_replaying() {
		return self::$replaying > 0;
	}

	/**
	 * Hook in.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'rest_api_init', array( $this, 'register_route' ) );
		add_action( self::PRUNE_HOOK, array( __CLASS__, 'prune' ) );
	}

	/**
	 * The dedupe table's name.
	 *
	 * @return string
	 */
	public static function table() {
		global $wpdb;
		return $wpdb->prefix . self::TABLE;
	}

	/**
	 * Create (or upgrade) the table of handled event ids.
	 *
	 * @return void
	 */
	public static function install() {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$table   = self::table();
		$charset = $wpdb->get_charset_collate();
		dbDelta(
			"CREATE TABLE {$table} (
  event_id varchar(64) NOT NULL,
  action varchar(100) NOT NULL,
  received_at datetime NOT NULL,
  PRIMARY KEY  (event_id),
  KEY received_at (received_at)
) {$charset};"
		);
		update_option( self::DB_OPTION, self::DB_VERSION, false );
	}

	/**
	 * Create the table when the plugin was installed without being activated through WordPress.
	 *
	 * @return void
	 */
	public static function maybe_install() {
		if ( get_option( self::DB_OPTION ) !== self::DB_VERSION ) {
			self::install();
		}
	}

	/**
	 * Forget handled event ids older than KEEP_DAYS (the bridge never retries that long).
	 *
	 * @return void
	 */
	public static function prune() {
		global $wpdb;
		$table = self::table();
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE received_at < %s", gmdate( 'Y-m-d H:i:s', time() - self::KEEP_DAYS * DAY_IN_SECONDS ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared,WordPress.DB.DirectDatabaseQuery -- own table, name from $wpdb->prefix.
	}

	/**
	 * Register the REST route.
	 *
	 * @return void
	 */
	public function register_route() {
		register_rest_route(
			self::REST_NAMESPACE,
			self::ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( $this, 'receive' ),
				'permission_callback' => array( $this, 'authorize' ),
			)
		);
	}

	/**
	 * The request target exactly as received (what the bridge signed).
	 *
	 * @return string
	 */
	private static function raw_target() {
		return isset( $_SERVER['REQUEST_URI'] ) ? (string) wp_unslash( $_SERVER['REQUEST_URI'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- compared byte for byte in an HMAC, never output.
	}

	/**
	 * Only the bridge may post events: check its signature.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function authorize( $request ) {
		$headers = array();
		foreach ( array( WP_Customer_Bridge_Signer::HEADER_USER, WP_Customer_Bridge_Signer::HEADER_TIMESTAMP, WP_Customer_Bridge_Signer::HEADER_NONCE, WP_Customer_Bridge_Signer::HEADER_SIGNATURE ) as $name ) {
			$value            = $request->get_header( str_replace( '-', '_', strtolower( $name ) ) );
			$headers[ $name ] = null === $value ? '' : (string) $value;
		}
		$result = $this->check( $request->get_method(), self::raw_target(), $headers, (string) $request->get_body() );
		if ( is_int( $result ) ) {
			$request->set_param( '_wpbridge_user', $result );
			return true;
		}
		return new WP_Error(
			'wpbridge_signature_' . $result,
			__( 'Only the WP Customer Bridge may post events here, signed with the shared secret.', 'wp-customer-bridge' ),
			array( 'status' => 401 )
		);
	}

	/**
	 * Verify a signed request.
	 *
	 * @param string $method  HTTP method.
	 * @param string $target  Raw request target.
	 * @param array  $headers The four signature headers.
	 * @param string $body    Raw body.
	 * @return int|string User id, or the failure (missing, malformed, expired, invalid, disabled).
	 */
	public function check( $method, $target, array $headers, $body ) {
		if ( strlen( $this->settings->secret() ) < 16 ) {
			return 'disabled';
		}
		$signer = new WP_Customer_Bridge_Signer( $this->settings->secret() );
		return $signer->verify( $method, $target, $headers, $body );
	}

	/**
	 * Validate an event payload.
	 *
	 * @param mixed $payload Decoded JSON.
	 * @return array|WP_Error {event_id, names, args}
	 */
	public static function parse( $payload ) {
		$name_pattern = '/^wp_customer_[a-z0-9_]{1,88}$/';
		if ( ! is_array( $payload ) || ! isset( $payload['event_id'], $payload['action'] )
			|| ! is_string( $payload['event_id'] ) || ! preg_match( '/^[A-Za-z0-9_-]{8,64}$/', $payload['event_id'] )
			|| ! is_string( $payload['action'] ) || ! preg_match( $name_pattern, $payload['action'] ) ) {
			return new WP_Error( 'wpbridge_invalid_event', __( 'The event needs an event_id and a wp_customer_* action.', 'wp-customer-bridge' ), array( 'status' => 400 ) );
		}
		$names = array( $payload['action'] );
		if ( isset( $payload['aliases'] ) && is_array( $payload['aliases'] ) ) {
			foreach ( $payload['aliases'] as $alias ) {
				if ( is_string( $alias ) && preg_match( $name_pattern, $alias ) && ! in_array( $alias, $names, true ) ) {
					$names[] = $alias;
				}
			}
		}
		$args = isset( $payload['args'] ) && is_array( $payload['args'] ) ? array_values( $payload['args'] ) : array();
		// The plugin passes the employee row after an update as an object ($id, $data, $employee).
		if ( 'wp_customer_employee_updated' === $payload['action'] && isset( $args[2] ) && is_array( $args[2] ) ) {
			$args[2] = (object) $args[2];
		}
		return array(
			'event_id' => $payload['event_id'],
			'names'    => $names,
			'args'     => $args,
		);
	}

	/**
	 * Record the event id; false when it was already there (a redelivery).
	 *
	 * @param string $event_id Event id.
	 * @param string $action   Action name.
	 * @return bool|null True when claimed now, false when already handled, null on database error.
	 */
	private static function claim( $event_id, $action ) {
		global $wpdb;
		$table = self::table();
		$sql   = $wpdb->prepare( "INSERT IGNORE INTO {$table} (event_id, action, received_at) VALUES (%s, %s, %s)", $event_id, $action, gmdate( 'Y-m-d H:i:s' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- own table.
		$quiet = $wpdb->suppress_errors( true );
		$rows  = $wpdb->query( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared,WordPress.DB.DirectDatabaseQuery -- prepared above.
		if ( false === $rows ) {
			self::install();
			$rows = $wpdb->query( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared,WordPress.DB.DirectDatabaseQuery -- prepared above.
		}
		$wpdb->suppress_errors( $quiet );
		if ( false === $rows ) {
			return null;
		}
		return $rows > 0;
	}

	/**
	 * Forget a claim whose replay failed, so the bridge's retry replays it.
	 *
	 * @param string $event_id Event id.
	 * @return void
	 */
	private static function unclaim( $event_id ) {
		global $wpdb;
		$wpdb->delete( self::table(), array( 'event_id' => $event_id ), array( '%s' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- own table.
	}

	/**
	 * Handle one delivered event.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return array|WP_Error
	 */
	public function receive( $request ) {
		$payload = json_decode( (string) $request->get_body(), true );
		if ( is_array( $payload ) && isset( $payload['kind'] ) && 'ping' === $payload['kind'] ) {
			return self::pong();
		}
		$event = self::parse( $payload );
		if ( is_wp_error( $event ) ) {
			return $event;
		}
		$claimed = self::claim( $event['event_id'], $event['names'][0] );
		if ( null === $claimed ) {
			return new WP_Error( 'wpbridge_event_store', __( 'WordPress could not record the event; the bridge will retry.', 'wp-customer-bridge' ), array( 'status' => 503 ) );
		}
		if ( ! $claimed ) {
			return array(
				'status'   => 'duplicate',
				'event_id' => $event['event_id'],
			);
		}
		try {
			self::replay( $event['names'], $event['args'], (int) $request->get_param( '_wpbridge_user' ) );
		} catch ( Throwable $e ) {
			self::unclaim( $event['event_id'] );
			return new WP_Error(
				'wpbridge_event_failed',
				/* translators: %s: error message */
				sprintf( __( 'A listener failed while replaying the event: %s', 'wp-customer-bridge' ), $e->getMessage() ),
				array( 'status' => 500 )
			);
		}
		return array(
			'status'   => 'handled',
			'event_id' => $event['event_id'],
		);
	}

	/**
	 * The answer to `wpbridge doctor`'s signed ping: the signature was accepted (authorize ran
	 * first), and WordPress's clock, so the bridge can tell how far apart the two clocks are
	 * (signatures expire after 300 s). Nothing is recorded or fired.
	 *
	 * `keys` lets the bridge prove that a login cookie and REST nonce WordPress mints validate
	 * there: the logged-in cookie's name and wp_hash() of one fixed text under the `logged_in`
	 * and `nonce` schemes, the keys cookies and nonces are signed with. A fixed text, never one
	 * the caller chooses, so the answer is no signing oracle.
	 *
	 * @since 0.2.0
	 *
	 * @return array
	 */
	public static function pong() {
		return array(
			'status' => 'pong',
			'time'   => microtime( true ),
			'keys'   => array(
				'cookie'    => defined( 'LOGGED_IN_COOKIE' ) ? LOGGED_IN_COOKIE : '',
				'logged_in' => wp_hash( self::KEYS_PROBE, 'logged_in' ),
				'nonce'     => wp_hash( self::KEYS_PROBE, 'nonce' ),
			),
		);
	}

	/**
	 * Fire each name with the plugin's arguments, as the acting user, with the plugin's own
	 * handlers of those names detached.
	 *
	 * @param string[] $names   Action names (plugin name first, then documented aliases).
	 * @param array    $args    Arguments.
	 * @param int      $user_id Acting user.
	 * @return void
	 */
	public static function replay( array $names, array $args, $user_id ) {
		$previous = get_current_user_id();
		++self::$replaying;
		wp_set_current_user( (int) $user_id );
		try {
			foreach ( $names as $name ) {
				$removed = WP_Customer_Bridge_Hooks::detach(
					$name,
					static function ( $callback ) use ( $name ) {
						/**
						 * Whether to detach a callback while replaying a bridge event (default: the
						 * WP Customer plugin's own handlers, whose work the bridge already did).
						 *
						 * @param bool     $detach   Default decision.
						 * @param callable $callback The callback.
						 * @param string   $name     Action name.
						 */
						return (bool) apply_filters( 'wp_customer_bridge_detach_on_replay', WP_Customer_Bridge_Hooks::is_plugin_callback( $callback ), $callback, $name );
					}
				);
				try {
					do_action_ref_array( $name, $args );
				} finally {
					WP_Customer_Bridge_Hooks::reattach( $name, $removed );
				}
			}
		} finally {
			--self::$replaying;
			wp_set_current_user( $previous );
		}
	}
}
