<?php
/**
 * Uninstall: remove the shim's option and its table of handled event ids.
 *
 * The WP Customer plugin's tables and the bridge's outbox are not the shim's and stay.
 *
 * @package WP_Customer_Bridge
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

global $wpdb;

delete_option( 'wp_customer_bridge_settings' );
delete_option( 'wp_customer_bridge_db_version' );
wp_clear_scheduled_hook( 'wp_customer_bridge_prune_events' );
$wp_customer_bridge_table = $wpdb->prefix . 'customer_bridge_events';
$wpdb->query( "DROP TABLE IF EXISTS {$wp_customer_bridge_table}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared,WordPress.DB.DirectDatabaseQuery,WordPress.DB.DirectDatabaseQuery.SchemaChange -- own table.
