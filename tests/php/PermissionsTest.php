<?php
/**
 * The plugin's per-row permission filters run in WordPress: the shim names the hooked ones in its
 * signed statement, applies each for the current user to the rows the bridge asks about, with
 * the plugin's argument shapes, picks the bridge's other rendering where the answer differs, and
 * never passes the questions on. One request per draw.
 */
class PermissionsTest extends Shim_TestCase {

	private function ajax() {
		return new WP_Customer_Bridge_Ajax(
			$this->client(),
			static function () {
				return 'draw=4&nonce=valid-nonce&customer_id=1';
			}
		);
	}

	private function employee( $id, $customer_id = 1 ) {
		return array(
			'id'              => (string) $id,
			'customer_id'     => (string) $customer_id,
			'branch_id'       => '2',
			'user_id'         => (string) ( 40 + $id ),
			'created_by'      => '1',
			'branch_name'     => 'Cabang Satu',
			'created_by_name' => 'admin',
		);
	}

	private function employee_page() {
		$row = function ( $id, $actions ) {
			return array( 'id' => $id, 'name' => "Karyawan $id", 'status' => 'active', 'actions' => $actions );
		};
		return array(
			'draw'            => 4,
			'recordsTotal'    => 3,
			'recordsFiltered' => 3,
			'data'            => array( $row( 11, 'own' ), $row( 12, 'view-12' ), $row( 13, 'view-13' ) ),
			'wp_bridge_ask'   => array(
				array(
					'filter'  => 'wp_customer_can_edit_customer_employee',
					'id'      => 12,
					'value'   => false,
					'args'    => array( $this->employee( 12 ), array( 'id' => '1', 'name' => 'PT Maju', 'user_id' => '2' ) ),
					'actions' => 'view-12 edit-12 toggle-12',
				),
				array(
					'filter'  => 'wp_customer_can_edit_customer_employee',
					'id'      => 13,
					'value'   => false,
					'args'    => array( $this->employee( 13 ), array( 'id' => '1', 'name' => 'PT Maju', 'user_id' => '2' ) ),
					'actions' => 'view-13 edit-13 toggle-13',
				),
			),
		);
	}

	public function test_nothing_hooked_announces_nothing_and_keeps_the_fast_path() {
		$this->assertSame( '', WP_Customer_Bridge_Permissions::statement() );
		$this->assertSame( '', WP_Customer_Bridge_Access::statement( 7 ) );
		$this->assertSame( WP_Customer_Bridge_Fast_Path::TABLES, WP_Customer_Bridge_Fast_Path::tables() );
	}

	public function test_hooked_filters_are_announced_in_the_signed_statement_and_leave_the_fast_path() {
		add_filter( 'wp_customer_can_edit_customer_employee', '__return_true' );
		$this->assertSame( 'perm=edit_employee', WP_Customer_Bridge_Access::statement( 7 ) );
		$this->assertSame( '', WP_Customer_Bridge_Access::statement( 8 ) ); // not the current user
		add_filter( 'wp_customer_can_delete_customer_branch', '__return_true' );
		$this->assertSame( 'perm=delete_branch,edit_employee', WP_Customer_Bridge_Permissions::statement() );
		$this->assertSame( array( 'handle_customer_datatable' => 'customers' ), WP_Customer_Bridge_Fast_Path::tables() );

		add_filter(
			'wp_customer_access_type',
			function () {
				return 'platform';
			}
		);
		WP_Customer_Bridge_Access::forget( 7 ); // the types' part is kept in a transient; the filters' is not
		$this->assertSame( 'customer=platform;perm=delete_branch,edit_employee', WP_Customer_Bridge_Access::statement( 7 ) );

		$this->answer( 200, array( 'data' => array() ) );
		$this->ajax()->datatable_response( 'handle_customer_employee_datatable' );
		$headers = $this->last_request()['args']['headers'];
		$this->assertSame( 'customer=platform;perm=delete_branch,edit_employee', $headers['X-WP-Bridge-Access'] );
		$this->assertSame( 7, ( new WP_Customer_Bridge_Signer( self::SECRET ) )->verify( 'POST', '/wp-json/wp-customer/v1/datatables/employees?shape=plugin', $headers, 'draw=4&customer_id=1' ) );
	}

	public function test_an_employee_granted_in_php_gets_the_bridges_other_rendering_and_only_that_row() {
		$seen = array();
		add_filter(
			'wp_customer_can_edit_customer_employee',
			function ( $can, $employee, $customer, $user_id ) use ( &$seen ) {
				$seen[] = array( $can, $employee, $customer, $user_id );
				return $can || 12 === (int) $employee->id;
			},
			10,
			4
		);
		$this->answer( 200, $this->employee_page() );
		$out = $this->ajax()->datatable_response( 'handle_customer_employee_datatable' );

		$this->assertCount( 1, $GLOBALS['test_http'] ); // one request: the answer never goes back
		$this->assertSame( array( 'own', 'view-12 edit-12 toggle-12', 'view-13' ), array_column( $out['data'], 'actions' ) );
		$this->assertArrayNotHasKey( 'wp_bridge_ask', $out );
		$this->assertCount( 2, $seen );
		list( $can, $employee, $customer, $user_id ) = $seen[0];
		$this->assertFalse( $can );
		$this->assertInstanceOf( stdClass::class, $employee ); // a $wpdb row, as the plugin passes it
		$this->assertSame( '2', $employee->branch_id );
		$this->assertSame( 'Cabang Satu', $employee->branch_name );
		$this->assertInstanceOf( stdClass::class, $customer );
		$this->assertSame( 'PT Maju', $customer->name );
		$this->assertSame( 7, $user_id );
	}

	public function test_a_php_callback_may_withdraw_what_the_bridges_callbacks_allowed() {
		add_filter(
			'wp_customer_can_delete_customer_branch',
			function ( $can, $relation ) {
				return is_array( $relation ) && 5 === $relation['branch_id'] ? false : $can;
			},
			10,
			2
		);
		$relation = array(
			'is_admin'                 => false,
			'is_customer_admin'        => false,
			'is_customer_branch_admin' => false,
			'is_customer_employee'     => true,
			'branch_id'                => 5,
			'customer_id'              => 1,
			'customer_name'            => 'PT Maju',
			'branch_name'              => 'Cabang Dua',
			'access_type'              => 'customer_employee',
		);
		$page     = array(
			'data'          => array( array( 'id' => 5, 'actions' => 'view-5 delete-5' ), array( 'id' => 6, 'actions' => 'view-6' ) ),
			'wp_bridge_ask' => array(
				array( 'filter' => 'wp_customer_can_delete_customer_branch', 'id' => 5, 'value' => true, 'args' => array( $relation ), 'actions' => 'view-5' ),
				array( 'filter' => 'wp_customer_can_delete_customer_branch', 'id' => 6, 'value' => false, 'args' => array( array( 'branch_id' => 6 ) + $relation ), 'actions' => 'view-6 delete-6' ),
			),
		);
		$out      = WP_Customer_Bridge_Permissions::answer( $page, 7 );
		$this->assertSame( array( 'view-5', 'view-6' ), array_column( $out['data'], 'actions' ) );
	}

	public function test_questions_the_shim_does_not_know_change_nothing() {
		add_filter( 'wp_customer_can_edit_customer_employee', '__return_true' );
		add_filter( 'some_other_filter', '__return_true' );
		$page = array(
			'data'          => array( array( 'id' => 1, 'actions' => 'view-1' ) ),
			'wp_bridge_ask' => array(
				array( 'filter' => 'some_other_filter', 'id' => 1, 'value' => false, 'args' => array( array() ), 'actions' => 'evil' ),
				array( 'filter' => 'wp_customer_can_edit_customer_employee', 'id' => 1, 'value' => false, 'args' => 'no', 'actions' => 'evil' ),
				array( 'filter' => 'wp_customer_can_edit_customer_employee', 'id' => 1, 'value' => false, 'args' => array( 'no' ), 'actions' => 'evil' ),
				array( 'filter' => 'wp_customer_can_edit_customer_employee', 'id' => 99, 'value' => false, 'args' => array( array( 'id' => '99' ) ), 'actions' => 'not on the page' ),
				'not a question',
			),
		);
		$out  = WP_Customer_Bridge_Permissions::answer( $page, 7 );
		$this->assertSame( array( array( 'id' => 1, 'actions' => 'view-1' ) ), $out['data'] );
		$this->assertArrayNotHasKey( 'wp_bridge_ask', $out );
		$this->assertArrayNotHasKey( 'wp_bridge_ask', WP_Customer_Bridge_Permissions::answer( $page, 8 ) ); // another user: nothing run
	}
}
