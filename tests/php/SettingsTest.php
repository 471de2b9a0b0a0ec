<?php
/**
 * Settings: URL normalisation, timeout bounds, and wp-config.php constants winning over the option.
 */
class SettingsTest extends Shim_TestCase {

	public function test_url_is_normalised() {
		$this->assertSame( 'http://127.0.0.1:8080', WP_Customer_Bridge_Settings::normalise_url( ' http://127.0.0.1:8080/ ' ) );
		$this->assertSame( 'https://b.example/x', WP_Customer_Bridge_Settings::normalise_url( 'https://b.example/x/wp-json/wp-customer/v1/' ) );
		$this->assertSame( '', WP_Customer_Bridge_Settings::normalise_url( 'ftp://b.example' ) );
		$this->assertSame( '', WP_Customer_Bridge_Settings::normalise_url( 'javascript:alert(1)' ) );
		$this->assertSame( '', WP_Customer_Bridge_Settings::normalise_url( 'http://a b' ) );
	}

	public function test_timeout_is_bounded() {
		$this->assertSame( 5.0, WP_Customer_Bridge_Settings::normalise_timeout( '' ) );
		$this->assertSame( 5.0, WP_Customer_Bridge_Settings::normalise_timeout( 'soon' ) );
		$this->assertSame( 0.5, WP_Customer_Bridge_Settings::normalise_timeout( 0 ) );
		$this->assertSame( 60.0, WP_Customer_Bridge_Settings::normalise_timeout( 900 ) );
		$this->assertSame( 2.5, WP_Customer_Bridge_Settings::normalise_timeout( '2.5' ) );
	}

	public function test_option_values_are_used() {
		$GLOBALS['test_options']['wp_customer_bridge_settings'] = array( 'url' => 'http://h:1', 'secret' => str_repeat( 's', 16 ), 'timeout' => 7 );
		$settings = new WP_Customer_Bridge_Settings();
		$this->assertSame( 'http://h:1', $settings->url() );
		$this->assertSame( 7.0, $settings->timeout() );
		$this->assertTrue( $settings->is_configured() );
		$this->assertSame( array(), $settings->problems() );
		$this->assertFalse( ( new WP_Customer_Bridge_Settings( array( 'url' => 'http://h:1', 'secret' => 'short' ) ) )->is_configured() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_constants_win() {
		define( 'WP_CUSTOMER_BRIDGE_URL', 'http://from-constant:8080' );
		define( 'WP_CUSTOMER_BRIDGE_SECRET', 'constant-secret-0123456789' );
		define( 'WP_CUSTOMER_BRIDGE_TIMEOUT', 9 );
		$settings = new WP_Customer_Bridge_Settings( array( 'url' => 'http://option:1', 'secret' => 'option-secret-0123456789', 'timeout' => 1 ) );
		$this->assertSame( 'http://from-constant:8080', $settings->url() );
		$this->assertSame( 'constant-secret-0123456789', $settings->secret() );
		$this->assertSame( 9.0, $settings->timeout() );
		$this->assertTrue( WP_Customer_Bridge_Settings::from_constant( 'url' ) );
	}
}
