<?php
/**
 * The notice on the customer and agency screens while the bridge is down: only there, only when
 * it is down, the URL and error for administrators and a sentence for others, all escaped.
 */
class NoticeTest extends Shim_TestCase {

	private function notice( $url = self::URL ) {
		return new WP_Customer_Bridge_Notice( $this->client( $url ) );
	}

	public function test_nothing_on_other_screens_and_no_request() {
		$this->assertSame( '', $this->notice()->html( '' ) );
		$this->assertSame( '', $this->notice()->html( 'wp-customer-settings' ) );
		$GLOBALS['test_user'] = 0;
		$this->assertSame( '', $this->notice()->html( 'wp-customer' ) );
		$this->assertSame( array(), $GLOBALS['test_http'] );
	}

	public function test_nothing_while_the_bridge_is_up() {
		$this->answer( 200, array( 'status' => 'ready', 'database' => 'ok' ) );
		$this->assertSame( '', $this->notice()->html( 'wp-customer' ) );
		$this->assertSame( 'http://127.0.0.1:9/readyz', $this->last_request()['url'] );
	}

	public function test_administrators_read_the_url_and_the_error() {
		$GLOBALS['test_caps'][] = 'manage_options';
		foreach ( WP_Customer_Bridge_Notice::SCREENS as $page ) {
			$html = $this->notice()->html( $page );
			$this->assertStringContainsString( 'class="notice notice-error wp-customer-bridge-down"', $html, $page );
			$this->assertStringContainsString( 'The customer data service is down.', $html );
			$this->assertStringContainsString( 'cannot be reached (cURL error 7: Failed to connect to 127.0.0.1 port 9: Connection refused)', $html );
			$this->assertStringContainsString( '<code>http://127.0.0.1:9</code>', $html );
			$this->assertStringContainsString( 'href="http://wp.test/wp-admin/options-general.php?page=wp-customer-bridge-settings"', $html );
			$this->assertStringContainsString( 'read &quot;—&quot;', $html );
		}
	}

	public function test_a_bridge_without_its_database_is_down_too() {
		$GLOBALS['test_caps'][] = 'manage_options';
		$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'ping failed' ) );
		$this->assertStringContainsString( 'running but cannot reach its database', $this->notice()->html( 'wp-agency-disnaker' ) );
	}

	public function test_others_read_a_sentence_without_the_address() {
		$html = $this->notice()->html( 'wp-agency' );
		$this->assertStringContainsString( 'Customer data is temporarily unavailable', $html );
		$this->assertStringNotContainsString( '127.0.0.1', $html );
		$this->assertStringNotContainsString( 'WP_CUSTOMER_BRIDGE', $html );
	}

	public function test_everything_printed_is_escaped() {
		$GLOBALS['test_caps'][] = 'manage_options';
		$html = $this->notice( 'http://127.0.0.1:9/<script>x</script>' )->html( 'wp-customer' );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( '<code>http://127.0.0.1:9/&lt;script&gt;x&lt;/script&gt;</code>', $html );
	}

	public function test_screens_can_be_added() {
		add_filter(
			'wp_customer_bridge_notice_screens',
			static function ( $screens ) {
				$screens[] = 'perusahaan';
				return $screens;
			}
		);
		$this->assertStringContainsString( 'wp-customer-bridge-down', $this->notice()->html( 'perusahaan' ) );
	}

	public function test_an_unconfigured_shim_is_left_to_the_settings_notice() {
		$GLOBALS['test_caps'][] = 'manage_options';
		$notice                 = new WP_Customer_Bridge_Notice( new WP_Customer_Bridge_Client( new WP_Customer_Bridge_Settings( array() ) ) );
		$this->assertSame( '', $notice->html( 'wp-customer' ) );
	}
}
