<?php
/**
 * The browser fast path: the plugin's screens ask the bridge directly.
 *
 * On admin screens, a small script (assets/js/fast-path.js) sends the WP Customer plugin's
 * DataTables and statistics requests (handle_customer_datatable, handle_branch_datatable,
 * handle_customer_employee_datatable, get_customer_stats) straight to the bridge, served on this
 * site's own origin (deploy/nginx/wpbridge.conf), with the REST nonce; the browser's WordPress
 * cookie signs the user in there (the bridge's BRIDGE_WP_CONFIG). WordPress no longer boots for
 * each draw. When the bridge is unreachable or refuses, the script sends the admin-ajax request
 * instead, which the shim answers as before. A table whose row buttons PHP callbacks on the
 * plugin's permission filters decide stays on admin-ajax (WP_Customer_Bridge_Permissions), and
 * so does every table of a user whose access PHP integrations change (a non-empty
 * WP_Customer_Bridge_Access statement): the cookie carries no signed statement, so the bridge
 * would answer such a user by the Python side alone.
 *
 * WP Agency's agency list (get_agencies_datatable, WP Agency 1.0.7's own handler) goes to the
 * bridge's `/datatables/agencies?shape=plugin` too, which answers it as that handler does, when
 * nothing PHP would run there is in play (agencies_on_the_fast_path()); the filter
 * `wp_customer_bridge_fast_path_agencies` keeps it on admin-ajax.
 *
 * Turned off with define( 'WP_CUSTOMER_BRIDGE_FAST_PATH', false ) in wp-config.php.
 *
 * @package WP_Customer_Bridge
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues the fast-path script with what it needs.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Fast_Path {

	const HANDLE = 'wp-customer-bridge-fast-path';

	const AGENCY_TAB_HANDLE = 'wp-customer-bridge-fast-path-agency-tab';

	/**
	 * Admin-ajax action → the bridge's DataTable of the same rows.
	 */
	const TABLES = array(
		'handle_customer_datatable'          => 'customers',
		'handle_branch_datatable'            => 'branches',
		'handle_customer_employee_datatable' => 'employees',
	);

	/**
	 * WP Agency's agency list: its admin-ajax action and the bridge's table.
	 *
	 * @since 0.2.0
	 */
	const AGENCY_ACTION = 'get_agencies_datatable';
	const AGENCY_TABLE  = 'agencies';

	/**
	 * The WP Agency version whose list the bridge answers (WP_AGENCY_VERSION).
	 *
	 * @since 0.2.0
	 */
	const AGENCY_VERSION = '1.0.7';

	/**
	 * Filters of WP Agency and wp-app-core on the agency list whose PHP callbacks the bridge
	 * cannot run: the list's access, the rows' edit and delete buttons, and wp-app-core's
	 * DataTable chain (its WHERE is checked by WP_Customer_Bridge_Agency::where_is_the_bridges()).
	 *
	 * @since 0.2.0
	 */
	const AGENCY_FILTERS = array(
		'wp_agency_can_access_agencies_page',
		'wp_agency_can_edit_agency',
		'wp_agency_can_delete_agency',
		'wpapp_datatable_agencies_columns',
		'wpapp_datatable_agencies_joins',
		'wpapp_datatable_agencies_query_builder',
		'wpapp_datatable_agencies_row_data',
		'wpapp_datatable_agencies_response',
	);

	/**
	 * Whether the fast path is on: unless WP_CUSTOMER_BRIDGE_FAST_PATH is defined falsy.
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public static function enabled() {
		if ( ! defined( 'WP_CUSTOMER_BRIDGE_FAST_PATH' ) ) {
			return true;
		}
		return false !== filter_var( constant( 'WP_CUSTOMER_BRIDGE_FAST_PATH' ), FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE );
	}

	/**
	 * Where the browser reaches the bridge's API: this site's own origin under /wp-json/wp-customer/v1
	 * (the nginx location of deploy/nginx/wpbridge.conf), so the browser sends WordPress's cookie.
	 *
	 * @since 0.2.0
	 *
	 * @return string
	 */
	public static function browser_url() {
		$home   = wp_parse_url( home_url() );
		$scheme = isset( $home['scheme'] ) ? $home['scheme'] : 'http';
		$host   = isset( $home['host'] ) ? $home['host'] : '';
		$port   = isset( $home['port'] ) ? ':' . (int) $home['port'] : '';
		$url    = $scheme . '://' . $host . $port . WP_Customer_Bridge_Settings::API_PREFIX;
		/**
		 * Filters the URL under which the browser reaches the bridge's API. It must be on the
		 * WordPress site's own origin: the bridge refuses cookie requests from other origins.
		 *
		 * @since 0.2.0
		 *
		 * @param string $url Origin of home_url() plus /wp-json/wp-customer/v1.
		 */
		return (string) apply_filters( 'wp_customer_bridge_browser_url', $url );
	}

	/**
	 * The tables the browser asks the bridge for: all but those whose buttons PHP callbacks on the
	 * plugin's permission filters decide (WP_Customer_Bridge_Permissions), which only admin-ajax runs;
	 * and WP Agency's agency list when agencies_on_the_fast_path().
	 *
	 * @since 0.2.0
	 *
	 * @return array<string, string>
	 */
	public static function tables() {
		$tables = array_diff_key( self::TABLES, array_flip( WP_Customer_Bridge_Permissions::admin_ajax_only() ) );
		if ( self::agencies_on_the_fast_path() ) {
			$tables[ self::AGENCY_ACTION ] = self::AGENCY_TABLE;
		}
		return $tables;
	}

	/**
	 * Whether WP Agency's agency list may be answered by the bridge: it answers what WP Agency
	 * 1.0.7's handler answers with nothing else in play, so the list stays on admin-ajax with any
	 * other WP Agency version (its buttons, joins and filters change between versions), while
	 * a PHP callback hooks one of AGENCY_FILTERS or adds its own WHERE to the list, while WP
	 * Agency's button titles are translated for this user (the bridge writes them in English), or
	 * on a site whose table prefix is not `wp_` (WP Agency 1.0.7 joins `wp_wi_provinces` and
	 * `wp_wi_regencies` whatever the prefix, the bridge the site's own). Checked on each screen.
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public static function agencies_on_the_fast_path() {
		global $wpdb;
		/**
		 * Filters whether WP Agency's agency list may go to the bridge directly. False keeps it on
		 * admin-ajax (WP Agency's own handler); true cannot put it on the fast path when the
		 * checks above keep it off.
		 *
		 * @since 0.2.0
		 *
		 * @param bool $enabled True.
		 */
		if ( ! apply_filters( 'wp_customer_bridge_fast_path_agencies', true ) ) {
			return false;
		}
		if ( ! defined( 'WP_AGENCY_VERSION' ) || self::AGENCY_VERSION !== constant( 'WP_AGENCY_VERSION' ) ) {
			return false;
		}
		if ( 'wp_' !== $wpdb->prefix || ! WP_Customer_Bridge_Agency::where_is_the_bridges() ) {
			return false;
		}
		foreach ( self::AGENCY_FILTERS as $filter ) {
			if ( has_filter( $filter ) ) {
				return false;
			}
		}
		// phpcs:disable WordPress.WP.I18n.TextDomainMismatch -- WP Agency's strings, as its buttons translate them.
		$titles = array(
			'View Details' => __( 'View Details', 'wp-agency' ),
			'Edit'         => __( 'Edit', 'wp-agency' ),
			'Delete'       => __( 'Delete', 'wp-agency' ),
		);
		// phpcs:enable
		foreach ( $titles as $english => $shown ) {
			if ( $english !== $shown ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the bridge alone decides what this user sees: no PHP integration changed their
	 * access type (the types' part of their access statement is empty; the permission filters'
	 * part is handled per table by tables()). A cookie request carries no signed
	 * statement, so for a user whose access a PHP callback on `wp_customer_access_type` or
	 * `wp_customer_branch_access_type` grants or withdraws, only admin-ajax (which signs it)
	 * gives the rows WordPress would.
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The current user.
	 * @return bool
	 */
	public static function decided_by_the_bridge( $user_id ) {
		$user_id = (int) $user_id;
		return $user_id <= 0 || get_current_user_id() !== $user_id || '' === WP_Customer_Bridge_Access::types( $user_id );
	}

	/**
	 * Hook in.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public function register() {
		if ( self::enabled() ) {
			add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ), 5 );
		}
	}

	/**
	 * The script, on every admin screen of a signed-in user: the plugin's Customers screens (and
	 * the shim's own) are the ones whose requests it changes; elsewhere it does nothing.
	 *
	 * @since 0.2.0
	 *
	 * @param string $hook_suffix Current admin screen.
	 * @return void
	 */
	public function enqueue( $hook_suffix ) {
		/**
		 * Filters whether the fast-path script is added to this admin screen.
		 *
		 * @since 0.2.0
		 *
		 * @param bool   $enabled     True for signed-in users.
		 * @param string $hook_suffix The admin screen's hook suffix.
		 */
		if ( ! apply_filters( 'wp_customer_bridge_fast_path_screen', is_user_logged_in(), (string) $hook_suffix ) ) {
			return;
		}
		if ( ! self::decided_by_the_bridge( get_current_user_id() ) ) {
			return;
		}
		wp_enqueue_script(
			self::HANDLE,
			plugins_url( 'assets/js/fast-path.js', WP_CUSTOMER_BRIDGE_FILE ),
			array( 'jquery' ),
			WP_CUSTOMER_BRIDGE_VERSION,
			false
		);
		wp_localize_script(
			self::HANDLE,
			'wpCustomerBridgeFastPath',
			array(
				'url'    => esc_url_raw( self::browser_url() ),
				'nonce'  => wp_create_nonce( 'wp_rest' ),
				'tables' => self::tables(),
			)
		);
		if ( ! WP_Customer_Bridge_Agency::block_for_the_browser() ) {
			return;
		}
		wp_enqueue_script(
			self::AGENCY_TAB_HANDLE,
			plugins_url( 'assets/js/fast-path-agency-tab.js', WP_CUSTOMER_BRIDGE_FILE ),
			array( self::HANDLE ),
			WP_CUSTOMER_BRIDGE_VERSION,
			false
		);
	}
}
