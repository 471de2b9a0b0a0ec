<?php
/**
 * Plugin Name: WP Customer Bridge e2e observer
 * Description: Test-only must-use plugin (copied into the temporary WordPress of tests/e2e, never
 * shipped): records the lifecycle actions fired inside WordPress and the cache invalidations the
 * shim sends, one JSON object per line in WPBRIDGE_E2E_LOG, so the tests can see what really ran.
 */

if ( ! defined( 'WPBRIDGE_E2E_LOG' ) ) {
	return;
}

function wpbridge_e2e_log( array $entry ) {
	$entry['pid'] = getmypid();
	file_put_contents( WPBRIDGE_E2E_LOG, wp_json_encode( $entry ) . "\n", FILE_APPEND | LOCK_EX );
}

foreach ( array( 'wp_customer_created', 'wp_customer_customer_created', 'wp_customer_updated', 'wp_customer_branch_created', 'wp_customer_employee_created' ) as $wpbridge_e2e_name ) {
	add_action(
		$wpbridge_e2e_name,
		function ( ...$args ) use ( $wpbridge_e2e_name ) {
			wpbridge_e2e_log(
				array(
					'type'      => 'action',
					'name'      => $wpbridge_e2e_name,
					'args'      => $args,
					'user'      => get_current_user_id(),
					'replaying' => class_exists( 'WP_Customer_Bridge_Events' ) && WP_Customer_Bridge_Events::is_replaying(),
				)
			);
		},
		10,
		5
	);
}

add_filter(
	'pre_http_request',
	function ( $pre, $args, $url ) {
		if ( false !== strpos( $url, '/cache/invalidate' ) ) {
			wpbridge_e2e_log(
				array(
					'type' => 'invalidate',
					'url'  => $url,
					'body' => isset( $args['body'] ) ? $args['body'] : '',
					'user' => isset( $args['headers']['X-WP-Bridge-User'] ) ? (int) $args['headers']['X-WP-Bridge-User'] : null,
				)
			);
		}
		return $pre;
	},
	10,
	3
);

// Stand-ins for WP Customer's own handlers, registered as the plugin registers them (priority 10;
// visitors too for the customer and branch tables): they must never run, the shim answers first.
foreach ( array( 'handle_customer_datatable' => true, 'handle_branch_datatable' => true, 'handle_customer_employee_datatable' => false, 'get_customer_stats' => false ) as $wpbridge_e2e_action => $wpbridge_e2e_nopriv ) {
	$wpbridge_e2e_handler = function () use ( $wpbridge_e2e_action ) {
		wpbridge_e2e_log( array( 'type' => 'plugin-handler', 'action' => $wpbridge_e2e_action ) );
		wp_send_json( array( 'answered_by' => 'the plugin' ) );
	};
	add_action( 'wp_ajax_' . $wpbridge_e2e_action, $wpbridge_e2e_handler );
	if ( $wpbridge_e2e_nopriv ) {
		add_action( 'wp_ajax_nopriv_' . $wpbridge_e2e_action, $wpbridge_e2e_handler );
	}
}
