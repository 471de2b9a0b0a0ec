<?php
/**
 * Events from the bridge: signature check on the raw request target, exactly-once handling by
 * event id, replay under the plugin's names and arguments as the acting user with the plugin's
 * own handlers detached — and no cache invalidation for replayed actions.
 */
require_once __DIR__ . '/fixtures/plugin-classes.php';

class EventsTest extends Shim_TestCase {

	const TARGET = '/wp-json/wp-customer-bridge/v1/events';

	private function events() {
		return new WP_Customer_Bridge_Events( $this->settings() );
	}

	private function signed_request( array $payload, $user = 5, $target = self::TARGET, $secret = self::SECRET ) {
		$body    = json_encode( $payload );
		$headers = ( new WP_Customer_Bridge_Signer( $secret ) )->headers( 'POST', $target, $user, $body );
		return new WP_REST_Request( 'POST', $headers, $body );
	}

	private function payload( $id = '6f1c2a8e-0000-4000-8000-000000000001' ) {
		return array(
			'event_id'  => $id,
			'action'    => 'wp_customer_created',
			'aliases'   => array( 'wp_customer_customer_created' ),
			'args'      => array( 42, array( 'code' => 'C1', 'name' => 'PT Baru' ) ),
			'entity'    => 'customer',
			'entity_id' => 42,
			'user_id'   => 5,
		);
	}

	public function test_authorize_checks_the_signature_over_the_request_uri() {
		$_SERVER['REQUEST_URI'] = self::TARGET;
		$request                = $this->signed_request( $this->payload() );
		$this->assertTrue( $this->events()->authorize( $request ) );
		$this->assertSame( 5, $request->get_param( '_wpbridge_user' ) );

		$_SERVER['REQUEST_URI'] = '/index.php?rest_route=/wp-customer-bridge/v1/events';
		$this->assertSame( 'wpbridge_signature_invalid', $this->events()->authorize( $request )->get_error_code() );
		$this->assertSame( 401, $this->events()->authorize( $request )->get_error_data()['status'] );

		$_SERVER['REQUEST_URI'] = self::TARGET;
		$forged                 = $this->signed_request( $this->payload(), 5, self::TARGET, 'not-the-shared-secret-xyz' );
		$this->assertSame( 'wpbridge_signature_invalid', $this->events()->authorize( $forged )->get_error_code() );
		$this->assertSame( 'wpbridge_signature_missing', $this->events()->authorize( new WP_REST_Request( 'POST', array(), '{}' ) )->get_error_code() );
		$unconfigured = new WP_Customer_Bridge_Events( new WP_Customer_Bridge_Settings( array() ) );
		$this->assertSame( 'wpbridge_signature_disabled', $unconfigured->authorize( $request )->get_error_code() );
	}

	public function test_parse_accepts_only_plugin_actions() {
		$this->assertSame( array( 'wp_customer_created', 'wp_customer_customer_created' ), WP_Customer_Bridge_Events::parse( $this->payload() )['names'] );
		$bad = $this->payload();
		$bad['action'] = 'shutdown';
		$this->assertTrue( is_wp_error( WP_Customer_Bridge_Events::parse( $bad ) ) );
		$bad = $this->payload();
		$bad['aliases'] = array( 'admin_init', 'wp_customer_x' );
		$this->assertSame( array( 'wp_customer_created', 'wp_customer_x' ), WP_Customer_Bridge_Events::parse( $bad )['names'] );
		$bad = $this->payload();
		$bad['event_id'] = "1' OR 1=1";
		$this->assertTrue( is_wp_error( WP_Customer_Bridge_Events::parse( $bad ) ) );
		$this->assertTrue( is_wp_error( WP_Customer_Bridge_Events::parse( null ) ) );
		$updated = array( 'event_id' => 'abcdefgh', 'action' => 'wp_customer_employee_updated', 'args' => array( 3, array( 'name' => 'x' ), array( 'id' => 3 ) ) );
		$this->assertIsObject( WP_Customer_Bridge_Events::parse( $updated )['args'][2] );
	}

	public function test_a_signed_ping_is_answered_with_wordpress_time_and_records_nothing() {
		global $wpdb;
		$_SERVER['REQUEST_URI'] = self::TARGET;
		$request                = $this->signed_request( array( 'kind' => 'ping' ), 0 );
		$this->assertTrue( $this->events()->authorize( $request ), 'a ping is signed like any event' );
		$before = microtime( true );
		$answer = $this->events()->receive( $request );
		$this->assertSame( 'pong', $answer['status'] );
		$this->assertSame( wp_hash( 'wpbridge-doctor-keys-v1', 'logged_in' ), $answer['keys']['logged_in'], 'the fixed probe, never a caller-chosen text' );
		$this->assertSame( wp_hash( 'wpbridge-doctor-keys-v1', 'nonce' ), $answer['keys']['nonce'] );
		$this->assertGreaterThanOrEqual( $before, $answer['time'] );
		$this->assertLessThanOrEqual( microtime( true ), $answer['time'] );
		$this->assertSame( array(), $wpdb->rows, 'a ping is no event: no id is claimed' );

		$forged = $this->signed_request( array( 'kind' => 'ping' ), 0, self::TARGET, 'not-the-shared-secret-xyz' );
		$this->assertSame( 'wpbridge_signature_invalid', $this->events()->authorize( $forged )->get_error_code() );
	}

	public function test_an_event_is_replayed_exactly_once_as_the_acting_user() {
		$seen = array();
		add_action(
			'wp_customer_created',
			function ( $id, $data ) use ( &$seen ) {
				$seen[] = array( 'created', $id, $data['name'], get_current_user_id(), WP_Customer_Bridge_Events::is_replaying() );
			},
			10,
			2
		);
		add_action(
			'wp_customer_customer_created',
			function ( $id ) use ( &$seen ) {
				$seen[] = array( 'documented', $id );
			}
		);
		$request = $this->signed_request( $this->payload() );
		$request->set_param( '_wpbridge_user', 5 );

		$this->assertSame( array( 'status' => 'handled', 'event_id' => '6f1c2a8e-0000-4000-8000-000000000001' ), $this->events()->receive( $request ) );
		$this->assertSame( array( array( 'created', 42, 'PT Baru', 5, true ), array( 'documented', 42 ) ), $seen );
		$this->assertSame( 7, get_current_user_id(), 'the current user is restored' );
		$this->assertFalse( WP_Customer_Bridge_Events::is_replaying() );

		$this->assertSame( 'duplicate', $this->events()->receive( $request )['status'] );
		$this->assertCount( 2, $seen );
	}

	public function test_the_plugins_own_handlers_are_detached_during_replay_only() {
		$creator = new \WPCustomer\Handlers\AutoEntityCreator();
		add_action( 'wp_customer_created', array( $creator, 'handleCustomerCreated' ), 10, 2 );
		\WPCustomer\Handlers\AutoEntityCreator::$calls = 0;

		WP_Customer_Bridge_Events::replay( array( 'wp_customer_created' ), array( 1, array() ), 5 );
		$this->assertSame( 0, \WPCustomer\Handlers\AutoEntityCreator::$calls );

		do_action( 'wp_customer_created', 2, array() );
		$this->assertSame( 1, \WPCustomer\Handlers\AutoEntityCreator::$calls, 'reattached after the replay' );
	}

	public function test_a_failing_listener_leaves_the_event_to_be_retried() {
		$fail = true;
		add_action(
			'wp_customer_created',
			function () use ( &$fail ) {
				if ( $fail ) {
					throw new RuntimeException( 'listener broke' );
				}
			}
		);
		$request = $this->signed_request( $this->payload() );
		$error   = $this->events()->receive( $request );
		$this->assertSame( 'wpbridge_event_failed', $error->get_error_code() );
		$this->assertSame( 500, $error->get_error_data()['status'] );
		$this->assertFalse( WP_Customer_Bridge_Events::is_replaying() );
		$fail = false;
		$this->assertSame( 'handled', $this->events()->receive( $request )['status'] );
	}

	public function test_invalidation_for_wordpress_writes_but_not_for_replays() {
		$invalidator = new WP_Customer_Bridge_Invalidator( $this->client() );
		$invalidator->register();

		WP_Customer_Bridge_Events::replay( array( 'wp_customer_created', 'wp_customer_branch_created' ), array( 1, array() ), 5 );
		$this->assertSame( array(), $invalidator->bodies() );

		do_action( 'wp_customer_created', 9, array() );
		do_action( 'wp_customer_branch_created', 3, array() );
		do_action( 'wp_customer_branch_deleted', 4, array(), false );
		$this->assertSame( array( array( 'entity' => 'customer', 'id' => 9 ), array( 'entity' => 'branch' ) ), $invalidator->bodies() );

		$this->answer( 200, array( 'evicted' => array( 'customers' ) ) );
		$this->answer( 200, array( 'evicted' => array( 'branches' ) ) );
		$invalidator->flush();
		$this->assertCount( 2, $GLOBALS['test_http'] );
		$first = $GLOBALS['test_http'][0];
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/cache/invalidate', $first['url'] );
		$this->assertSame( '{"entity":"customer","id":9}', $first['args']['body'] );
		$this->assertSame( 'application/json', $first['args']['headers']['Content-Type'] );
		$this->assertSame( array(), $invalidator->bodies() );

		// The plugin's update forms fire no action: the ajax action itself is noted (nonce checked).
		$_POST = array( 'id' => '12', 'nonce' => 'valid-nonce' );
		$this->as_action( 'wp_ajax_update_customer', array( $invalidator, 'note_ajax' ) );
		$_POST = array( 'id' => '13', 'nonce' => 'forged' );
		$this->as_action( 'wp_ajax_update_branch', array( $invalidator, 'note_ajax' ) );
		$this->assertSame( array( array( 'entity' => 'customer', 'id' => 12 ) ), $invalidator->bodies() );

		// The bridge down at shutdown: nothing thrown, nothing printed.
		$invalidator->flush();
	}
}
