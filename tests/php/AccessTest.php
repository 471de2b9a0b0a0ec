<?php
/**
 * The access statement: the plugin's access filters run in WordPress for the current user, with
 * the plugin's arguments; only what they changed is stated, cached per user, and signed with the
 * request.
 */
class AccessTest extends Shim_TestCase {

	public function test_nothing_hooked_states_nothing() {
		$this->assertSame( '', WP_Customer_Bridge_Access::statement( 7 ) );
	}

	public function test_a_grant_and_a_withdrawal_are_stated_with_the_plugins_context() {
		$seen = array();
		add_filter(
			'wp_customer_access_type',
			function ( $type, $context ) use ( &$seen ) {
				$seen[] = $context;
				return 'none' === $type ? 'platform' : $type; // as WP App Core: only on none
			},
			10,
			2
		);
		add_filter(
			'wp_customer_branch_access_type',
			function ( $type, $context ) use ( &$seen ) {
				$seen[] = $context;
				return 'none';
			},
			10,
			2
		);
		$this->assertSame( 'customer=platform', WP_Customer_Bridge_Access::evaluate( 7 ) );
		$this->assertSame(
			array(
				'is_admin'                 => false,
				'is_customer_admin'        => false,
				'is_customer_branch_admin' => false,
				'is_customer_employee'     => false,
				'user_id'                  => 7,
				'customer_id'              => 0,
			),
			$seen[0]
		);
		$this->assertSame( 0, $seen[1]['branch_id'] );
		$this->assertArrayNotHasKey( 'customer_id', $seen[1] );

		// An owner: the computed type is customer_admin; a withdrawal says none for both.
		$GLOBALS['wpdb']->relation_row = array( 'owner' => '1', 'branch_admin' => '0', 'employee' => '1' );
		add_filter( 'wp_customer_access_type', '__return_none', 20 );
		$this->assertSame( 'customer=none;branch=none', WP_Customer_Bridge_Access::evaluate( 7 ) );
	}

	public function test_the_deprecated_branch_filter_runs_only_when_hooked() {
		$GLOBALS['test_caps'][] = 'view_customer_branch_list';
		WP_Customer_Bridge_Access::evaluate( 7 );
		$this->assertSame( array(), $GLOBALS['test_deprecated'] );
		add_filter(
			'wp_branch_access_type',
			function ( $type ) {
				return 'none' === $type && current_user_can( 'view_customer_branch_list' ) ? 'platform' : $type;
			}
		);
		$this->assertSame( 'branch=platform', WP_Customer_Bridge_Access::evaluate( 7 ) );
		$this->assertSame( array( 'wp_branch_access_type' ), $GLOBALS['test_deprecated'] );
	}

	public function test_an_answer_that_is_no_slug_is_none() {
		$GLOBALS['test_caps'][] = 'edit_all_customers';
		add_filter(
			'wp_customer_access_type',
			function () {
				return array( 'not a type' );
			}
		);
		$this->assertSame( 'customer=none', WP_Customer_Bridge_Access::evaluate( 7 ) );
	}

	public function test_the_statement_is_cached_per_user_in_a_transient() {
		$calls = 0;
		add_filter(
			'wp_customer_access_type',
			function ( $type ) use ( &$calls ) {
				++$calls;
				return 'agency';
			}
		);
		$this->assertSame( 'customer=agency', WP_Customer_Bridge_Access::statement( 7 ) );
		$this->assertSame( 'customer=agency', WP_Customer_Bridge_Access::statement( 7 ) );
		$this->assertSame( 1, $calls );
		$this->assertSame( 1, $GLOBALS['wpdb']->queries );
		$this->assertSame( array( 'customer=agency', 30 ), $GLOBALS['test_transients']['wp_customer_bridge_access_7'] );
		WP_Customer_Bridge_Access::forget( 7 );
		WP_Customer_Bridge_Access::statement( 7 );
		$this->assertSame( 2, $calls );
	}

	public function test_only_the_current_logged_in_user_gets_a_statement() {
		add_filter(
			'wp_customer_access_type',
			function () {
				return 'platform';
			}
		);
		$this->assertSame( '', WP_Customer_Bridge_Access::statement( 8 ) );
		$GLOBALS['test_user'] = 0;
		$this->assertSame( '', WP_Customer_Bridge_Access::statement( 0 ) );
	}

	public function test_the_client_signs_the_statement_with_the_request() {
		add_filter(
			'wp_customer_access_type',
			function () {
				return 'platform';
			}
		);
		$this->answer( 200, array( 'ok' => true ) );
		$this->client()->request( 'GET', '/customers', 'per_page=1' );
		$headers = $this->last_request()['args']['headers'];
		$this->assertSame( 'customer=platform', $headers['X-WP-Bridge-Access'] );
		$signer = new WP_Customer_Bridge_Signer( self::SECRET );
		$target = '/wp-json/wp-customer/v1/customers?per_page=1';
		$this->assertSame( 7, $signer->verify( 'GET', $target, $headers, '' ) );
		$headers['X-WP-Bridge-Access'] = 'customer=admin';
		$this->assertSame( 'invalid', $signer->verify( 'GET', $target, $headers, '' ) );
	}
}

function __return_none() {
	return 'none';
}
