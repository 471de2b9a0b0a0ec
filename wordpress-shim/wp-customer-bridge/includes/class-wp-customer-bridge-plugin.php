<?php
/**
 * Wiring: builds the parts and hooks them in once every plugin has loaded.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * The shim's bootstrap.
 */
class WP_Customer_Bridge_Plugin {

	/**
	 * Whether boot() ran.
	 *
	 * @var bool
	 */
	private static $booted = false;

	/**
	 * Whether the WP Customer plugin itself is loaded (it defines WP_CUSTOMER_VERSION).
	 *
	 * @return bool
	 */
	public static function customer_plugin_active() {
		return defined( 'WP_CUSTOMER_VERSION' ) || class_exists( 'WPCustomer\\Controllers\\CustomerController', false );
	}

	/**
	 * Hook everything in (on plugins_loaded, so the WP Customer plugin's presence is known).
	 *
	 * @return void
	 */
	public static function boot() {
		if ( self::$booted ) {
			return;
		}
		self::$booted = true;

		$settings = new WP_Customer_Bridge_Settings();
		$client   = new WP_Customer_Bridge_Client( $settings );

		( new WP_Customer_Bridge_Events( $settings ) )->register();
		WP_Customer_Bridge_Events::maybe_install();

		if ( is_admin() ) {
			( new WP_Customer_Bridge_Admin( $client ) )->register();
		}

		// Without a bridge to talk to, leave the plugin's own data paths alone.
		if ( ! $settings->is_configured() && self::customer_plugin_active() ) {
			return;
		}

		( new WP_Customer_Bridge_Ajax( $client ) )->register();
		( new WP_Customer_Bridge_Export( $client ) )->register();
		( new WP_Customer_Bridge_Agency( $client ) )->register();
		( new WP_Customer_Bridge_Invalidator( $client ) )->register();
		( new WP_Customer_Bridge_Sessions( $client ) )->register();

		if ( is_admin() ) {
			( new WP_Customer_Bridge_Notice( $client ) )->register();
			( new WP_Customer_Bridge_Fast_Path() )->register();
		}

		if ( is_admin() && ! self::customer_plugin_active() ) {
			( new WP_Customer_Bridge_Screen( $settings ) )->register();
		}
	}

	/**
	 * Activation: the table of handled event ids and the daily pruning.
	 *
	 * @return void
	 */
	public static function activate() {
		WP_Customer_Bridge_Events::install();
		if ( ! wp_next_scheduled( WP_Customer_Bridge_Events::PRUNE_HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', WP_Customer_Bridge_Events::PRUNE_HOOK );
		}
	}

	/**
	 * Deactivation: stop the pruning (data stays until uninstall).
	 *
	 * @return void
	 */
	public static function deactivate() {
		wp_clear_scheduled_hook( WP_Customer_Bridge_Events::PRUNE_HOOK );
	}
}
