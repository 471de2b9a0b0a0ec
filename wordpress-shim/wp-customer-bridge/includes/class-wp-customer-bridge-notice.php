<?php
/**
 * The notice at the top of the customer and agency screens while the bridge is down.
 *
 * Without it a site administrator reads the statistics boxes and empty tables as "no
 * customers" rather than "the service is down". The screens are recognised by their admin page
 * slug; the bridge is asked once per page view (its unsigned /readyz, which also reports a
 * bridge whose database is gone).
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints the notice on admin_notices, which WordPress shows at the top of the screen.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Notice {

	/**
	 * Admin page slugs (admin.php?page=…) that show customer data: WP Customer's Customers
	 * screen, WP Agency's two agency screens, and the shim's own Customers screen.
	 */
	const SCREENS = array( 'wp-customer', 'wp-agency', 'wp-agency-disnaker', 'wp-customer-bridge' );

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Client $client Bridge client.
	 */
	public function __construct( WP_Customer_Bridge_Client $client ) {
		$this->client = $client;
	}

	/**
	 * Hook in.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_notices', array( $this, 'render' ) );
	}

	/**
	 * The screens that get the notice.
	 *
	 * @return string[]
	 */
	public static function screens() {
		/**
		 * Filters the admin page slugs (admin.php?page=…) on which the shim says that the bridge is down.
		 *
		 * @since 0.2.0
		 *
		 * @param string[] $screens Page slugs.
		 */
		return array_map( 'strval', (array) apply_filters( 'wp_customer_bridge_notice_screens', self::SCREENS ) );
	}

	/**
	 * The admin page being shown ('' when it is not a plugin page).
	 *
	 * @return string
	 */
	public static function current_page() {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- which screen is shown, not a form.
		return isset( $_GET['page'] ) && is_string( $_GET['page'] ) ? sanitize_key( wp_unslash( $_GET['page'] ) ) : '';
	}

	/**
	 * admin_notices: the notice, on the customer and agency screens, when the bridge is down.
	 *
	 * @return void
	 */
	public function render() {
		echo $this->html( self::current_page() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in notice_html().
	}

	/**
	 * The notice for $page ('' when none is due).
	 *
	 * @param string $page Admin page slug.
	 * @return string
	 */
	public function html( $page ) {
		if ( '' === $page || ! is_user_logged_in() || ! in_array( $page, self::screens(), true ) ) {
			return '';
		}
		$response = $this->client->probe( '/readyz' );
		if ( $response->is_ok() || ! $response->is_unavailable() || 'wpbridge_not_configured' === $response->error_code ) {
			return ''; // Up, or not set up yet (the settings notice says so to administrators).
		}
		return self::notice_html( $response, $this->client->settings(), current_user_can( 'manage_options' ) );
	}

	/**
	 * The notice's markup, every value escaped: administrators get the bridge's URL, the error
	 * and what they can do; everyone else a sentence.
	 *
	 * @param WP_Customer_Bridge_Response $response Why the bridge did not answer.
	 * @param WP_Customer_Bridge_Settings $settings Where it was asked.
	 * @param bool                        $admin    Whether the user can manage_options.
	 * @return string
	 */
	public static function notice_html( WP_Customer_Bridge_Response $response, WP_Customer_Bridge_Settings $settings, $admin ) {
		if ( ! $admin ) {
			return sprintf(
				'<div class="notice notice-error wp-customer-bridge-down"><p>%s</p></div>',
				esc_html__( 'Customer data is temporarily unavailable, so this screen cannot show customers or their numbers right now. Please try again in a moment; if it persists, tell the site administrator.', 'wp-customer-bridge' )
			);
		}
		if ( $settings->fallback() ) {
			$next = __( 'WP_CUSTOMER_BRIDGE_FALLBACK is on: WP Customer\'s own handlers answer administrators until the bridge is back; everyone else sees "—" in the statistics and this error in the tables.', 'wp-customer-bridge' );
		} elseif ( WP_Customer_Bridge_Plugin::customer_plugin_active() ) {
			$next = __( 'Until it is back, the statistics read "—" and the tables show this error. To let WP Customer\'s own handlers answer administrators meanwhile, define WP_CUSTOMER_BRIDGE_FALLBACK as true in wp-config.php.', 'wp-customer-bridge' );
		} else {
			$next = __( 'Until it is back, the statistics read "—" and the tables show this error.', 'wp-customer-bridge' );
		}
		return sprintf(
			'<div class="notice notice-error wp-customer-bridge-down"><p><strong>%1$s</strong> %2$s</p><p>%3$s <code>%4$s</code> &middot; <a href="%5$s">%6$s</a></p><p>%7$s</p></div>',
			esc_html__( 'The customer data service is down.', 'wp-customer-bridge' ),
			esc_html( $response->error_message ),
			esc_html__( 'Bridge URL:', 'wp-customer-bridge' ),
			esc_html( $settings->url() ),
			esc_url( admin_url( 'options-general.php?page=' . WP_Customer_Bridge_Admin::PAGE ) ),
			esc_html__( 'Settings → Customer Bridge (Test connection)', 'wp-customer-bridge' ),
			esc_html( $next )
		);
	}
}
