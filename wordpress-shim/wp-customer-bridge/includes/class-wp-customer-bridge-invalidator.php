<?php
/**
 * Tell the bridge when WordPress itself wrote the plugin's tables.
 *
 * The bridge caches totals, scopes and statistics and evicts them on its own writes. When the
 * plugin's own forms write (create/update/delete over admin-ajax), the plugin fires its lifecycle
 * actions (or, for updates, nothing); the shim notes which entities changed and, once the
 * response is done, posts /cache/invalidate for each. Actions re-fired from a bridge event are
 * not noted: the bridge wrote those rows and already evicted its caches.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Collects changed entities during a request; one POST /cache/invalidate per entity at shutdown.
 */
class WP_Customer_Bridge_Invalidator {

	/**
	 * Lifecycle actions the plugin fires (plus the bridge's update names) → entity.
	 */
	const ACTIONS = array(
		'wp_customer_created'                  => 'customer',
		'wp_customer_updated'                  => 'customer',
		'wp_customer_deleted'                  => 'customer',
		'wp_customer_cleanup_completed'        => 'customer',
		'wp_customer_branch_created'           => 'branch',
		'wp_customer_branch_updated'           => 'branch',
		'wp_customer_branch_deleted'           => 'branch',
		'wp_customer_branch_cleanup_completed' => 'branch',
		'wp_customer_employee_created'         => 'employee',
		'wp_customer_employee_updated'         => 'employee',
		'wp_customer_employee_deleted'         => 'employee',
	);

	/**
	 * The plugin's write actions that fire no lifecycle action (its updates) → entity.
	 */
	const AJAX_WRITES = array(
		'update_customer'                 => 'customer',
		'update_branch'                   => 'branch',
		'change_customer_employee_status' => 'employee',
	);

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Entity → ids changed in this request.
	 *
	 * @var array<string, int[]>
	 */
	private $pending = array();

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Client $client Bridge client.
	 */
	public function __construct( WP_Customer_Bridge_Client $client ) {
		$this->client = $client;
	}

	/**
	 * Hook in.
	 *
	 * @return void
	 */
	public function register() {
		foreach ( array_keys( self::ACTIONS ) as $action ) {
			add_action( $action, array( $this, 'note_action' ), 10, 1 );
		}
		foreach ( array_keys( self::AJAX_WRITES ) as $action ) {
			add_action( 'wp_ajax_' . $action, array( $this, 'note_ajax' ), 0 );
		}
		add_action( 'shutdown', array( $this, 'flush' ), 1000 );
	}

	/**
	 * Note an entity that WordPress changed.
	 *
	 * @param string $entity customer, branch or employee.
	 * @param int    $id     Its id (0 when unknown).
	 * @return void
	 */
	public function note( $entity, $id ) {
		if ( WP_Customer_Bridge_Events::is_replaying() ) {
			return;
		}
		$this->pending[ $entity ][] = max( 0, (int) $id );
	}

	/**
	 * Listener of the plugin's lifecycle actions (first argument is the id).
	 *
	 * @param mixed $id Entity id.
	 * @return void
	 */
	public function note_action( $id = 0 ) {
		$action = current_action();
		if ( isset( self::ACTIONS[ $action ] ) ) {
			$this->note( self::ACTIONS[ $action ], is_numeric( $id ) ? (int) $id : 0 );
		}
	}

	/**
	 * Listener of the plugin's update actions: notes the entity the plugin is about to write.
	 *
	 * @return void
	 */
	public function note_ajax() {
		$action = preg_replace( '/^wp_ajax_/', '', current_action() );
		if ( ! isset( self::AJAX_WRITES[ $action ] ) ) {
			return;
		}
		$nonce = isset( $_POST['nonce'] ) ? sanitize_text_field( wp_unslash( $_POST['nonce'] ) ) : '';
		if ( ! wp_verify_nonce( $nonce, WP_Customer_Bridge_Ajax::NONCE_ACTION ) ) {
			return;
		}
		$this->note( self::AJAX_WRITES[ $action ], isset( $_POST['id'] ) ? absint( $_POST['id'] ) : 0 );
	}

	/**
	 * What would be sent: one body per entity.
	 *
	 * @return array<int, array{entity: string, id?: int}>
	 */
	public function bodies() {
		$bodies = array();
		foreach ( $this->pending as $entity => $ids ) {
			$ids  = array_values( array_unique( array_filter( $ids ) ) );
			$body = array( 'entity' => $entity );
			if ( 1 === count( $ids ) ) {
				$body['id'] = $ids[0];
			}
			$bodies[] = $body;
		}
		return $bodies;
	}

	/**
	 * Send the invalidations (after the response when PHP-FPM allows it).
	 *
	 * @return void
	 */
	public function flush() {
		$bodies        = $this->bodies();
		$this->pending = array();
		if ( empty( $bodies ) || ! $this->client->settings()->is_configured() ) {
			return;
		}
		if ( function_exists( 'fastcgi_finish_request' ) ) {
			fastcgi_finish_request();
		}
		foreach ( $bodies as $body ) {
			$response = $this->client->request( 'POST', '/cache/invalidate', '', (string) wp_json_encode( $body ), 'application/json' );
			if ( ! $response->is_ok() && defined( 'WP_DEBUG' ) && WP_DEBUG ) {
				error_log( 'WP Customer Bridge: cache invalidation failed: ' . $response->error_message ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- only with WP_DEBUG.
			}
		}
	}
}
