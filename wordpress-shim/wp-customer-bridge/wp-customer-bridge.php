<?php
/**
 * Plugin Name:       WP Customer Bridge
 * Description:       Serves WP Customer's customer, branch and employee tables (and WP Agency's customer statistics) from the WP Customer Bridge service. WordPress signs users in; their requests are forwarded to the bridge, signed.
 * Version:           0.1.0
 * Requires at least: 5.8
 * Requires PHP:      7.4
 * Author:            wp-customer-bridge
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       wp-customer-bridge
 *
 * Configure it in wp-config.php:
 *
 *     define( 'WP_CUSTOMER_BRIDGE_URL', 'http://127.0.0.1:8080' );
 *     define( 'WP_CUSTOMER_BRIDGE_SECRET', 'the bridge's BRIDGE_SHARED_SECRET' );
 *     define( 'WP_CUSTOMER_BRIDGE_TIMEOUT', 5 );   // optional, seconds
 *     define( 'WP_CUSTOMER_BRIDGE_FALLBACK', true ); // optional: while the bridge is unreachable,
 *                                                    // WP Customer's own handlers answer administrators
 *     define( 'WP_CUSTOMER_BRIDGE_FAST_PATH', false ); // optional: the plugin's screens keep asking
 *                                                      // admin-ajax instead of the bridge directly
 *
 * or on Settings → Customer Bridge.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

define( 'WP_CUSTOMER_BRIDGE_VERSION', '0.1.0' );
define( 'WP_CUSTOMER_BRIDGE_DATATABLES_VERSION', '2.3.8' );
define( 'WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION', '2.3.5' ); // datatables.net-searchpanes(-dt), for DataTables 2.
define( 'WP_CUSTOMER_BRIDGE_SELECT_VERSION', '3.1.3' );      // datatables.net-select(-dt): the last for DataTables 2.
define( 'WP_CUSTOMER_BRIDGE_FILE', __FILE__ );
define( 'WP_CUSTOMER_BRIDGE_DIR', plugin_dir_path( __FILE__ ) );

require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-signer.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-settings.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-response.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-access.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-permissions.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-client.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-renderer.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-hooks.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-ajax.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-agency.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-notice.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-events.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-invalidator.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-sessions.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-admin.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-export.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-screen.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-fast-path.php';
require_once WP_CUSTOMER_BRIDGE_DIR . 'includes/class-wp-customer-bridge-plugin.php';

register_activation_hook( __FILE__, array( 'WP_Customer_Bridge_Plugin', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'WP_Customer_Bridge_Plugin', 'deactivate' ) );
add_action( 'plugins_loaded', array( 'WP_Customer_Bridge_Plugin', 'boot' ), 5 );
