<?php
/**
 * WP Agency integration: the agency list filter from /relations/agency/accessible (failing
 * closed), and the agency info tab block — the plugin's own block and filter detached.
 */
require_once __DIR__ . '/fixtures/plugin-classes.php';

class AgencyTest extends Shim_TestCase {

	public function test_scope_all_leaves_the_list_unchanged() {
		$this->answer( 200, array( 'scope' => 'all', 'ids' => array() ) );
		$agency = new WP_Customer_Bridge_Agency( $this->client() );
		$this->assertSame( array( 'x = 1' ), $agency->filter_where( array( 'x = 1' ) ) );
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/relations/agency/accessible', $this->last_request()['url'] );
	}

	public function test_scope_some_appends_ints_and_is_asked_once_per_request() {
		$this->answer( 200, array( 'scope' => 'some', 'ids' => array( 3, '5', '7; DROP TABLE x', 3 ) ) );
		$agency = new WP_Customer_Bridge_Agency( $this->client() );
		$this->assertSame( array( 'a.id IN (3,5,7)' ), $agency->filter_where( array() ) );
		$this->assertSame( array( 'a.id IN (3,5,7)' ), $agency->filter_where( array() ) );
		$this->assertCount( 1, $GLOBALS['test_http'] );
	}

	public function test_scope_none_and_failures_deny() {
		$this->answer( 200, array( 'scope' => 'none', 'ids' => array() ) );
		$this->assertSame( array( 'a.id IN (0)' ), ( new WP_Customer_Bridge_Agency( $this->client() ) )->filter_where( array() ) );
		$this->answer( 200, array( 'scope' => 'some', 'ids' => array() ) );
		$this->assertSame( array( 'a.id IN (0)' ), ( new WP_Customer_Bridge_Agency( $this->client() ) )->filter_where( array() ) );
		// Bridge down: fail closed.
		$this->assertSame( array( 'a.id IN (0)' ), ( new WP_Customer_Bridge_Agency( $this->client() ) )->filter_where( array() ) );
		// Logged out: no request at all.
		$GLOBALS['test_user'] = 0;
		$GLOBALS['test_http'] = array();
		$this->assertSame( array( 'a.id IN (0)' ), ( new WP_Customer_Bridge_Agency( $this->client() ) )->filter_where( array() ) );
		$this->assertSame( array(), $GLOBALS['test_http'] );
	}

	public function test_the_plugins_where_filter_is_replaced() {
		( new \WPCustomer\Controllers\Integration\DataTableAccessFilter() )->register();
		$this->answer( 200, array( 'scope' => 'some', 'ids' => array( 4 ) ) );
		( new WP_Customer_Bridge_Agency( $this->client() ) )->register();
		$this->assertSame( array( 'base', 'a.id IN (4)' ), apply_filters( 'wpapp_datatable_agencies_where', array( 'base' ), null, null ) );
	}

	public function test_tab_renders_bridge_statistics_once() {
		$plugin = new \WPCustomer\Controllers\Integration\AgencyTabController();
		add_action( 'wpapp_tab_view_content', array( $plugin, 'inject_content' ), 20, 3 );
		( new WP_Customer_Bridge_Agency( $this->client() ) )->register();
		$this->answer( 200, array( 'customer_count' => 2, 'branch_count' => 5, 'has_customers' => true, 'has_branches' => true ) );

		ob_start();
		do_action( 'wpapp_tab_view_content', 'agency', 'info', array( 'agency' => (object) array( 'id' => 4, 'name' => 'Disnaker' ) ) );
		$html = ob_get_clean();

		$this->assertStringNotContainsString( 'PLUGIN BLOCK', $html );
		$this->assertSame( 1, substr_count( $html, 'Statistik Customer' ) );
		$this->assertStringContainsString( '2 customer terhubung dengan agency ini melalui 5 cabang', $html );
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/tabs/agency/4/statistics', $this->last_request()['url'] );
		$fired = array_column( $GLOBALS['test_fired'], 0 );
		$this->assertContains( 'wp_customer_before_agency_tab_content', $fired );
		$this->assertContains( 'wp_customer_after_agency_tab_content', $fired );
	}

	public function test_tab_ignores_other_tabs_and_shows_zeros_or_a_notice() {
		$agency = new WP_Customer_Bridge_Agency( $this->client() );
		ob_start();
		$agency->render_tab( 'agency', 'divisions', array( 'agency' => (object) array( 'id' => 4 ) ) );
		$agency->render_tab( 'customer', 'info', array( 'agency' => (object) array( 'id' => 4 ) ) );
		$agency->render_tab( 'agency', 'info', array() );
		$this->assertSame( '', ob_get_clean() );
		$this->assertSame( array(), $GLOBALS['test_http'] );

		$this->answer( 403, array( 'code' => 'rest_forbidden', 'message' => 'no' ) );
		$this->assertStringContainsString( 'Belum ada customer yang terhubung dengan agency ini', $agency->tab_html( (object) array( 'id' => 4 ), 4 ) );

		$GLOBALS['test_caps'][] = 'manage_options';
		$html                   = $agency->tab_html( array( 'id' => 4 ), 4 );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertStringContainsString( 'cannot be reached', $html );
	}

	public function test_an_agency_outside_the_callers_scope_shows_the_zero_block() {
		// WP Agency opens any agency by URL; the plugin shows its block with 0 / 0 there.
		$agency = new WP_Customer_Bridge_Agency( $this->client() );
		$this->answer( 404, array( 'code' => 'rest_agency_invalid_id', 'message' => 'Invalid agency ID.', 'data' => array( 'status' => 404 ) ) );
		$html = $agency->tab_html( (object) array( 'id' => 9 ), 9 );
		$this->assertStringContainsString( "<label>Total Customer:</label>\n\t\t<span><strong>0</strong></span>", $html );
		$this->assertStringContainsString( "<label>Total Cabang:</label>\n\t\t<span><strong>0</strong></span>", $html );
		$this->assertStringContainsString( 'Belum ada customer yang terhubung dengan agency ini', $html );
		$this->assertStringNotContainsString( 'Invalid agency ID.', $html );
		$this->assertStringNotContainsString( 'notice', $html );
		$this->assertContains( 'wp_customer_after_agency_tab_content', array_column( $GLOBALS['test_fired'], 0 ) );
	}

	public function test_a_bridge_without_agency_tabs_is_a_notice_not_zeros() {
		$agency = new WP_Customer_Bridge_Agency( $this->client() );
		$this->answer( 404, array( 'code' => 'rest_no_route', 'message' => 'No statistics tab is registered for agency.' ) );
		$html = $agency->tab_html( (object) array( 'id' => 9 ), 9 );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertStringContainsString( 'No statistics tab is registered', $html );
		$this->assertStringNotContainsString( '<strong>0</strong>', $html );

		$this->answer( 404, '<html>Not Found</html>' ); // not the bridge at all
		$html = $agency->tab_html( (object) array( 'id' => 9 ), 9 );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertStringNotContainsString( '<strong>0</strong>', $html );
	}
}
