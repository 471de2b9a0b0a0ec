<?php
/**
 * Settings → Customer Bridge: sanitising what an administrator submits, and the connection test.
 */
class AdminTest extends Shim_TestCase {

	private function admin() {
		return new WP_Customer_Bridge_Admin( $this->client() );
	}

	public function test_sanitize_normalises_and_keeps_the_saved_secret() {
		$GLOBALS['test_options']['wp_customer_bridge_settings'] = array( 'url' => 'http://old:1', 'secret' => 'saved-secret-0123456789', 'timeout' => 5 );
		$clean = $this->admin()->sanitize( array( 'url' => ' http://127.0.0.1:8080/wp-json/wp-customer/v1/ ', 'secret' => '', 'timeout' => '999' ) );
		$this->assertSame( array( 'url' => 'http://127.0.0.1:8080', 'secret' => 'saved-secret-0123456789', 'timeout' => 60.0 ), $clean );
		$this->assertSame( array(), $GLOBALS['test_settings_errors'] );

		$clean = $this->admin()->sanitize( array( 'url' => 'http://b:2', 'secret' => ' new-secret-0123456789 ', 'timeout' => '2' ) );
		$this->assertSame( 'new-secret-0123456789', $clean['secret'] );
	}

	public function test_sanitize_refuses_bad_values_with_messages() {
		$clean = $this->admin()->sanitize( array( 'url' => 'javascript:alert(1)', 'secret' => 'short', 'timeout' => 'x' ) );
		$this->assertSame( array( 'url' => '', 'secret' => '', 'timeout' => 5.0 ), $clean );
		$this->assertSame( array( 'url', 'secret' ), array_column( $GLOBALS['test_settings_errors'], 1 ) );
		$this->assertSame( array( 'url' => '', 'secret' => '', 'timeout' => 5.0 ), $this->admin()->sanitize( 'not an array' ) );
	}

	public function test_connection_test_checks_readiness_and_identity() {
		$this->answer( 200, array( 'status' => 'ready' ) );
		$this->answer( 200, array( 'id' => 7, 'login' => 'admin' ) );
		$results = $this->admin()->run_test();
		$this->assertSame( array( true, true ), array_column( $results, 'ok' ) );
		$this->assertSame( 'OK: the bridge sees you as user 7 (admin).', $results[1]['detail'] );
		$this->assertSame( 'http://127.0.0.1:9/readyz', $GLOBALS['test_http'][0]['url'] );
		$this->assertSame( '7', $GLOBALS['test_http'][1]['args']['headers']['X-WP-Bridge-User'] );

		$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'x' ) );
		$this->answer( 200, array( 'id' => 99 ) );
		$results = $this->admin()->run_test();
		$this->assertSame( array( false, false ), array_column( $results, 'ok' ) );
		$this->assertStringContainsString( 'database', $results[0]['detail'] );
		$this->assertStringContainsString( 'different user', $results[1]['detail'] );

		$results = $this->admin()->run_test(); // nothing listens
		$this->assertStringContainsString( 'cannot be reached', $results[0]['detail'] );
	}

	public function test_unconfigured_notice_only_for_administrators() {
		$admin = new WP_Customer_Bridge_Admin( new WP_Customer_Bridge_Client( new WP_Customer_Bridge_Settings( array() ) ) );
		ob_start();
		$admin->notice_unconfigured();
		$this->assertSame( '', ob_get_clean() );
		$GLOBALS['test_caps'][] = 'manage_options';
		ob_start();
		$admin->notice_unconfigured();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'WP Customer Bridge is not configured yet', $html );
		$this->assertStringContainsString( 'WP_CUSTOMER_BRIDGE_URL', $html );
		$this->assertStringContainsString( 'options-general.php?page=wp-customer-bridge-settings', $html );
	}
}
