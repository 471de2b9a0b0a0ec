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
				array( 'id' => 3, 'code' => 'C1', 'name' => 'PT &lt;Maju&gt;', 'owner_name' => 'Andi Budi', 'branch_count' => 2, 'actions' => '<button type="button" class="button small-button edit-customer" data-id="3"></button>' ),
				'not a row',
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

	/**
	 * The body goes on without action/nonce, the bridge is asked for the plugin's shape
	 * (shape=plugin) and its rows are passed on as they are: the bridge renders them.
	 */
	public function test_forwards_the_raw_body_without_wordpress_fields_and_passes_the_plugin_rows_on() {
		$body = 'draw=5&columns%5B0%5D%5Bdata%5D=code&search%5Bvalue%5D=maju&action=handle_customer_datatable&nonce=valid-nonce&start=0';
		$this->answer( 200, $this->bridge_page() );
		$out = $this->ajax( $body )->datatable_response( 'handle_customer_datatable' );

		$request = $this->last_request();
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/customers?shape=plugin', $request['url'] );
		$this->assertSame( 'draw=5&columns%5B0%5D%5Bdata%5D=code&search%5Bvalue%5D=maju&start=0', $request['args']['body'] );
		$this->assertSame( 5, $out['draw'] );
		$this->assertSame( 12, $out['recordsTotal'] );
		$this->assertSame( 1, $out['recordsFiltered'] );
		$this->assertSame( 'PT &lt;Maju&gt;', $out['data'][0]['name'] );
		$this->assertSame( array( $this->bridge_page()['data'][0] ), $out['data'] );
	}

	public function test_search_panes_go_to_the_bridge_and_their_options_come_back() {
		$body = 'action=handle_customer_datatable&nonce=valid-nonce&draw=6&columns%5B5%5D%5Bdata%5D=status'
			. '&searchPanes%5Bstatus%5D%5B0%5D=inactive&searchPanes_null%5Bstatus%5D%5B0%5D=false&searchPanesLast=status'
			. '&searchPanes_options%5Bcascade%5D=false&searchPanes_options%5BviewCount%5D=true&searchPanes_options%5BviewTotal%5D=false';
		$page                = $this->bridge_page();
		$page['searchPanes'] = array(
			'options' => array(
				'status'        => array(
					array( 'label' => 'active', 'value' => 'active', 'total' => 9, 'count' => 0 ),
					array( 'label' => 'inactive', 'value' => 'inactive', 'total' => 3, 'count' => 3 ),
				),
				'province_name' => array(
					array( 'label' => '<b>Aceh</b>', 'value' => '<b>Aceh</b>', 'total' => '2', 'count' => 1 ),
					array( 'label' => '', 'value' => '', 'total' => 1, 'count' => 0 ),
				),
			),
		);
		$this->answer( 200, $page );
		$out = $this->ajax( $body )->datatable_response( 'handle_customer_datatable' );

		$this->assertStringContainsString( 'searchPanes%5Bstatus%5D%5B0%5D=inactive&searchPanes_null%5Bstatus%5D%5B0%5D=false&searchPanesLast=status&searchPanes_options%5Bcascade%5D=false', $this->last_request()['args']['body'] );
		$this->assertSame(
			array( 'label' => 'inactive', 'value' => 'inactive', 'total' => 3, 'count' => 3 ),
			$out['searchPanes']['options']['status'][1]
		);
		$this->assertSame(
			array( 'label' => '&lt;b&gt;Aceh&lt;/b&gt;', 'value' => '<b>Aceh</b>', 'total' => 2, 'count' => 1 ),
			$out['searchPanes']['options']['province_name'][0],
			'labels escaped like cells; the value is what the client sends back'
		);
		$this->assertSame( '', $out['searchPanes']['options']['province_name'][1]['value'] );
	}

	public function test_answers_without_panes_have_none() {
		$this->answer( 200, $this->bridge_page() );
		$out = $this->ajax( 'draw=5&nonce=valid-nonce' )->datatable_response( 'handle_customer_datatable' );
		$this->assertArrayNotHasKey( 'searchPanes', $out );
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
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/employees?draw=2&customer_id=4&search%5Bvalue%5D=O%27Brien&shape=plugin', $request['url'] );
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

	public function test_stats_without_a_customer_are_the_callers_totals() {
		$this->answer( 200, array( 'total_customers' => '10', 'total_branches' => 48, 'total_employees' => 90 ) );
		$out = $this->ajax( 'action=get_customer_stats&nonce=valid-nonce' )->stats_response();
		$this->assertSame( array( 'success' => true, 'data' => array( 'total_customers' => 10, 'total_branches' => 48, 'total_employees' => 90 ) ), $out );
		$this->assertCount( 1, $GLOBALS['test_http'] );
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/statistics/customers', $this->last_request()['url'] );
	}

	public function test_stats_for_a_customer_scope_only_the_employees_as_the_plugin_does() {
		// The plugin's getStats: customers and branches stay the caller's totals, employees are the customer's.
		$this->answer( 200, array( 'total_customers' => 10, 'total_branches' => 48, 'total_employees' => 90 ) );
		$this->answer( 200, array( 'total_customers' => 1, 'total_branches' => 4, 'total_employees' => 10 ) );
		$out = $this->ajax( 'action=get_customer_stats&id=3&nonce=valid-nonce' )->stats_response();
		$this->assertSame( array( 'success' => true, 'data' => array( 'total_customers' => 10, 'total_branches' => 48, 'total_employees' => 10 ) ), $out );
		$this->assertSame(
			array( 'http://127.0.0.1:9/wp-json/wp-customer/v1/statistics/customers', 'http://127.0.0.1:9/wp-json/wp-customer/v1/statistics/customers?customer_id=3' ),
			array_column( $GLOBALS['test_http'], 'url' )
		);
	}

	public function test_stats_refusals_are_errors() {
		$this->answer( 403, array( 'code' => 'rest_forbidden', 'message' => 'Sorry, you may see no customers.' ) );
		$out = $this->ajax( 'id=3&nonce=valid-nonce' )->stats_response();
		$this->assertFalse( $out['success'] );
		$this->assertSame( 'Sorry, you may see no customers.', $out['data']['message'] );
		$this->assertCount( 1, $GLOBALS['test_http'] );

		// A customer outside the caller's scope, as the plugin refuses one it may not view.
		$this->answer( 200, array( 'total_customers' => 2, 'total_branches' => 5, 'total_employees' => 9 ) );
		$this->answer( 404, array( 'code' => 'rest_customer_invalid_id', 'message' => 'Invalid customer ID.' ) );
		$out = $this->ajax( 'id=99&nonce=valid-nonce' )->stats_response();
		$this->assertSame( array( 'success' => false, 'data' => array( 'message' => 'Invalid customer ID.' ) ), $out );

		$this->assertFalse( $this->ajax( 'nonce=bad' )->stats_response()['success'] );
	}

	public function test_stats_read_dashes_while_the_bridge_is_down() {
		// The plugin's JavaScript writes the three values into its boxes when success is true.
		$out = $this->ajax( 'id=3&nonce=valid-nonce' )->stats_response();
		$this->assertTrue( $out['success'] );
		$this->assertSame( array( "\u{2014}", "\u{2014}", "\u{2014}" ), array( $out['data']['total_customers'], $out['data']['total_branches'], $out['data']['total_employees'] ) );
		$this->assertTrue( $out['data']['bridge_unavailable'] );
		$this->assertStringContainsString( 'temporarily unavailable', $out['data']['message'] );
		$this->assertCount( 1, $GLOBALS['test_http'] );

		$GLOBALS['test_caps'][]      = 'manage_options';
		$GLOBALS['test_responses'][] = new WP_Error( 'http_request_failed', 'cURL error 28: Operation timed out' );
		$out                         = $this->ajax( 'nonce=valid-nonce' )->stats_response();
		$this->assertSame( "\u{2014}", $out['data']['total_customers'] );
		$this->assertStringContainsString( 'did not answer within 3 seconds', $out['data']['message'] );

		// A 5xx is the bridge failing too (its database gone), never a 0.
		$this->answer( 200, array( 'total_customers' => 2, 'total_branches' => 5, 'total_employees' => 9 ) );
		$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'x' ) );
		$out = $this->ajax( 'id=3&nonce=valid-nonce' )->stats_response();
		$this->assertSame( "\u{2014}", $out['data']['total_employees'] );
		$this->assertStringContainsString( 'cannot reach its database', $out['data']['message'] );
	}

	/**
	 * A stand-in for the plugin's own handler of $hook, registered as the plugin registers it.
	 */
	private function plugin_handler( $hook ) {
		add_action( $hook, static function () {}, 10 );
	}

	public function test_fallback_is_off_by_default_even_for_administrators() {
		$GLOBALS['test_caps'][] = 'manage_options';
		$this->assertFalse( $this->settings()->fallback() );
		$this->plugin_handler( 'wp_ajax_get_customer_stats' );
		$out = $this->as_action(
			'wp_ajax_get_customer_stats',
			function () {
				return $this->ajax( 'nonce=valid-nonce' )->stats_response();
			}
		);
		$this->assertSame( "\u{2014}", $out['data']['total_customers'] );
	}

	public function test_fallback_steps_aside_only_while_unreachable_and_for_a_handler_that_exists() {
		add_filter( 'wp_customer_bridge_fallback', '__return_true' );
		$ajax = $this->ajax( 'draw=4&nonce=valid-nonce' );

		// No other handler on the hook (the plugin is not there): the shim still answers.
		$out = $this->as_action(
			'wp_ajax_handle_customer_datatable',
			function () use ( $ajax ) {
				return $ajax->datatable_response( 'handle_customer_datatable' );
			}
		);
		$this->assertStringContainsString( 'temporarily unavailable', $out['error'] );

		$this->plugin_handler( 'wp_ajax_handle_customer_datatable' );
		$this->plugin_handler( 'wp_ajax_get_customer_stats' );
		$this->assertNull(
			$this->as_action(
				'wp_ajax_handle_customer_datatable',
				function () use ( $ajax ) {
					return $ajax->datatable_response( 'handle_customer_datatable' );
				}
			)
		);
		$this->assertNull(
			$this->as_action(
				'wp_ajax_get_customer_stats',
				function () use ( $ajax ) {
					return $ajax->stats_response();
				}
			)
		);

		// A refusal is not an outage: the bridge's answer stands.
		$this->answer( 403, array( 'code' => 'rest_forbidden', 'message' => 'Sorry, you may see no customers.' ) );
		$out = $this->as_action(
			'wp_ajax_get_customer_stats',
			function () use ( $ajax ) {
				return $ajax->stats_response();
			}
		);
		$this->assertSame( array( 'success' => false, 'data' => array( 'message' => 'Sorry, you may see no customers.' ) ), $out );
	}

	public function test_the_shims_own_handlers_do_not_count_as_another_handler() {
		$ajax = $this->ajax( '' );
		$ajax->register();
		$this->assertFalse( WP_Customer_Bridge_Ajax::has_other_handler( 'wp_ajax_get_customer_stats' ) );
		$this->assertFalse( WP_Customer_Bridge_Ajax::has_other_handler( '' ) );
		$this->plugin_handler( 'wp_ajax_get_customer_stats' );
		$this->assertTrue( WP_Customer_Bridge_Ajax::has_other_handler( 'wp_ajax_get_customer_stats' ) );
	}

	/**
	 * WP_CUSTOMER_BRIDGE_FALLBACK itself (a constant, so in a process of its own).
	 *
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_the_fallback_constant_lets_administrators_through() {
		define( 'WP_CUSTOMER_BRIDGE_FALLBACK', true );
		$this->assertTrue( $this->settings()->fallback() );
		$this->plugin_handler( 'wp_ajax_get_customer_stats' );
		$unreachable = new WP_Customer_Bridge_Response( 0, null, 'wpbridge_unreachable', 'down' );
		$ajax        = $this->ajax( '' );
		$this->assertFalse( $ajax->steps_aside( $unreachable, 'wp_ajax_get_customer_stats' ), 'not an administrator' );
		$GLOBALS['test_caps'][] = 'manage_options';
		$this->assertTrue( $ajax->steps_aside( $unreachable, 'wp_ajax_get_customer_stats' ) );
		$this->assertFalse( $ajax->steps_aside( new WP_Customer_Bridge_Response( 403, array(), 'rest_forbidden', 'no' ), 'wp_ajax_get_customer_stats' ) );
		$this->assertFalse( $ajax->steps_aside( new WP_Customer_Bridge_Response( 0, null, 'wpbridge_not_configured', 'x' ), 'wp_ajax_get_customer_stats' ) );
	}

	public function test_param_helpers() {
		$this->assertSame( 'a b&c', WP_Customer_Bridge_Ajax::raw_param( 'x=1&q=a+b%26c&q=2', 'q' ) );
		$this->assertNull( WP_Customer_Bridge_Ajax::raw_param( 'x=1', 'q' ) );
		$this->assertSame( '', WP_Customer_Bridge_Ajax::raw_param( 'q&x=1', 'q' ) );
		$this->assertSame( 'x=1&columns%5B0%5D=&y', WP_Customer_Bridge_Ajax::strip_params( 'action=a&x=1&nonce=n&columns%5B0%5D=&%6Eonce=n2&y&' ) );
	}
}
