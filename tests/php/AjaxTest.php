<?php
/**
 * The admin-ajax takeover: nonce and capability first, then the raw request forwarded, then the
 * plugin's JSON shape — and a DataTables error (never a fatal or a warning) when the bridge is down.
 */
class AjaxTest extends Shim_TestCase {

	private function ajax( $body ) {
		return new WP_Customer_Bridge_Ajax(
			$this->client(),
			static function () use ( $body ) {
				return $body;
			}
		);
	}

	private function bridge_page() {
		return array(
			'draw'            => 5,
			'recordsTotal'    => 12,
			'recordsFiltered' => 1,
			'data'            => array(
				array( 'id' => 3, 'code' => 'C1', 'name' => 'PT <Maju>', 'owner_name' => 'Andi Budi', 'branch_count' => 2, 'DT_RowId' => 'customer-3', 'DT_RowData' => array( 'id' => 3 ), 'permissions' => array( 'view' => true, 'edit' => true, 'delete' => false ) ),
			),
		);
	}

	public function test_registers_ahead_of_the_plugin() {
		$this->ajax( '' )->register();
		foreach ( array( 'wp_ajax_handle_customer_datatable', 'wp_ajax_nopriv_handle_customer_datatable', 'wp_ajax_handle_branch_datatable', 'wp_ajax_handle_customer_employee_datatable', 'wp_ajax_get_customer_stats' ) as $hook ) {
			$this->assertArrayHasKey( 0, $GLOBALS['wp_filter'][ $hook ]->callbacks, $hook );
		}
		$this->assertArrayNotHasKey( 'wp_ajax_nopriv_handle_customer_employee_datatable', $GLOBALS['wp_filter'] );
	}

	public function test_forwards_the_raw_body_without_wordpress_fields_and_renders_rows() {
		$body = 'draw=5&columns%5B0%5D%5Bdata%5D=code&search%5Bvalue%5D=maju&action=handle_customer_datatable&nonce=valid-nonce&start=0';
		$this->answer( 200, $this->bridge_page() );
		$out = $this->ajax( $body )->datatable_response( 'handle_customer_datatable' );

		$request = $this->last_request();
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/customers', $request['url'] );
		$this->assertSame( 'draw=5&columns%5B0%5D%5Bdata%5D=code&search%5Bvalue%5D=maju&start=0', $request['args']['body'] );
		$this->assertSame( 5, $out['draw'] );
		$this->assertSame( 12, $out['recordsTotal'] );
		$this->assertSame( 1, $out['recordsFiltered'] );
		$this->assertSame( 'PT &lt;Maju&gt;', $out['data'][0]['name'] );
		$this->assertSame( array( 'id', 'code', 'name', 'owner_name', 'branch_count', 'actions' ), array_keys( $out['data'][0] ) );
		$this->assertStringContainsString( 'edit-customer', $out['data'][0]['actions'] );
	}

	public function test_wide_tables_survive_max_input_vars() {
		// PHP dropped everything after max_input_vars: $_REQUEST has no nonce; the raw body has it all.
		$pairs = array( 'draw=8' );
		for ( $i = 0; $i < 1200; $i++ ) {
			$pairs[] = 'columns%5B' . $i . '%5D%5Bdata%5D=c' . $i;
		}
		$pairs[] = 'customer_id=3';
		$pairs[] = 'nonce=valid-nonce';
		$this->answer( 200, array( 'draw' => 8, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array() ) );
		$out = $this->ajax( implode( '&', $pairs ) )->datatable_response( 'handle_branch_datatable' );
		$this->assertArrayNotHasKey( 'error', $out );
		$sent = $this->last_request()['args']['body'];
		$this->assertSame( 1202, count( explode( '&', $sent ) ) );
		$this->assertStringEndsWith( 'customer_id=3', $sent );
		$this->assertStringContainsString( '/datatables/branches', $this->last_request()['url'] );
	}

	public function test_get_requests_forward_the_query_string() {
		$_SERVER['REQUEST_METHOD'] = 'GET';
		$_SERVER['QUERY_STRING']   = 'action=handle_customer_employee_datatable&nonce=valid-nonce&draw=2&customer_id=4&search%5Bvalue%5D=O%27Brien';
		$this->answer( 200, array( 'draw' => 2, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array() ) );
		$this->ajax( 'ignored' )->datatable_response( 'handle_customer_employee_datatable' );
		$request = $this->last_request();
		$this->assertSame( 'GET', $request['args']['method'] );
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/employees?draw=2&customer_id=4&search%5Bvalue%5D=O%27Brien', $request['url'] );
	}

	public function test_bad_nonce_is_refused_before_the_bridge() {
		$out = $this->ajax( 'draw=3&nonce=forged' )->datatable_response( 'handle_customer_datatable' );
		$this->assertSame( array( 'draw' => 3, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array(), 'error' => 'Security check failed' ), $out );
		$this->assertSame( array(), $GLOBALS['test_http'] );
	}

	public function test_nonce_from_request_is_used_when_php_parsed_it() {
		$_REQUEST['nonce'] = 'valid-nonce';
		$this->answer( 200, $this->bridge_page() );
		$out = $this->ajax( 'draw=5' )->datatable_response( 'handle_customer_datatable' );
		$this->assertArrayNotHasKey( 'error', $out );
	}

	public function test_capability_and_login_are_checked() {
		$GLOBALS['test_caps'] = array( 'read' );
		$out                  = $this->ajax( 'draw=1&nonce=valid-nonce' )->datatable_response( 'handle_customer_datatable' );
		$this->assertStringContainsString( 'not allowed', $out['error'] );
		$GLOBALS['test_user'] = 0;
		$out                  = $this->ajax( 'draw=1&nonce=valid-nonce' )->datatable_response( 'handle_branch_datatable' );
		$this->assertStringContainsString( 'logged in', $out['error'] );
		$this->assertSame( array(), $GLOBALS['test_http'] );
	}

	public function test_bridge_down_gives_a_datatables_error_with_the_draw() {
		$GLOBALS['test_caps'][] = 'manage_options';
		$out                    = $this->ajax( 'draw=17&nonce=valid-nonce&customer_id=1' )->datatable_response( 'handle_customer_employee_datatable' );
		$this->assertSame( 17, $out['draw'] );
		$this->assertSame( 0, $out['recordsTotal'] );
		$this->assertSame( 0, $out['recordsFiltered'] );
		$this->assertSame( array(), $out['data'] );
		$this->assertStringContainsString( 'cannot be reached', $out['error'] );
		$this->assertStringContainsString( 'http://127.0.0.1:9', $out['error'] );

		// A timeout, for someone who is not an administrator: a generic sentence.
		$GLOBALS['test_caps']        = array( 'read', 'view_customer_list' );
		$GLOBALS['test_responses'][] = new WP_Error( 'http_request_failed', 'cURL error 28: Operation timed out' );
		$out                         = $this->ajax( 'draw=18&nonce=valid-nonce' )->datatable_response( 'handle_customer_datatable' );
		$this->assertSame( 18, $out['draw'] );
		$this->assertStringContainsString( 'temporarily unavailable', $out['error'] );
	}

	public function test_bridge_protocol_errors_are_passed_on() {
		$this->answer( 200, array( 'draw' => 2, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array(), 'error' => 'order[0] asks to order by column 4, which cannot be ordered.' ) );
		$out = $this->ajax( 'draw=2&nonce=valid-nonce' )->datatable_response( 'handle_customer_datatable' );
		$this->assertSame( 'order[0] asks to order by column 4, which cannot be ordered.', $out['error'] );
	}

	public function test_stats() {
		$this->answer( 200, array( 'total_customers' => '1', 'total_branches' => 3, 'total_employees' => 9 ) );
		$out = $this->ajax( 'action=get_customer_stats&id=3&nonce=valid-nonce' )->stats_response();
		$this->assertSame( array( 'success' => true, 'data' => array( 'total_customers' => 1, 'total_branches' => 3, 'total_employees' => 9 ) ), $out );
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/statistics/customers?customer_id=3', $this->last_request()['url'] );

		$this->answer( 403, array( 'code' => 'rest_forbidden', 'message' => 'Sorry, you may see no customers.' ) );
		$out = $this->ajax( 'id=3&nonce=valid-nonce' )->stats_response();
		$this->assertFalse( $out['success'] );
		$this->assertSame( 'Sorry, you may see no customers.', $out['data']['message'] );

		$this->assertFalse( $this->ajax( 'nonce=bad' )->stats_response()['success'] );
	}

	public function test_param_helpers() {
		$this->assertSame( 'a b&c', WP_Customer_Bridge_Ajax::raw_param( 'x=1&q=a+b%26c&q=2', 'q' ) );
		$this->assertNull( WP_Customer_Bridge_Ajax::raw_param( 'x=1', 'q' ) );
		$this->assertSame( '', WP_Customer_Bridge_Ajax::raw_param( 'q&x=1', 'q' ) );
		$this->assertSame( 'x=1&columns%5B0%5D=&y', WP_Customer_Bridge_Ajax::strip_params( 'action=a&x=1&nonce=n&columns%5B0%5D=&%6Eonce=n2&y&' ) );
	}
}
