<?php
/**
 * The shim's own "Statistik Customer" block (WP_Customer_Bridge_Renderer::agency_statistics), for
 * tests/test_agency_tab_block.py: reads [[customer_count, branch_count], ...] as JSON on stdin
 * and prints the block for each pair, rendered by the shim's class with WordPress 6.1's own
 * escaping (wp-includes/formatting.php and kses.php from Debian's `wordpress` package). Only the
 * hook system, options and translations are stubbed (no callbacks: the text domain has no
 * translations, and the fast path is off while a callback takes part in the block).
 */

define( 'ABSPATH', '/usr/share/wordpress/' );
define( 'WPINC', 'wp-includes' );

function apply_filters( $hook, $value ) {
	return $value;
}

function add_filter() {
	return true;
}

function do_action() {
}

function get_option( $name ) {
	return 'blog_charset' === $name ? 'UTF-8' : false;
}

function wp_load_alloptions() {
	return array( 'blog_charset' => 'UTF-8' );
}

function __( $text ) {
	return $text;
}

function esc_html__( $text ) {
	return esc_html( $text );
}

function esc_html_e( $text ) {
	echo esc_html( $text );
}

require ABSPATH . 'wp-includes/formatting.php';
require ABSPATH . 'wp-includes/kses.php';
require dirname( __DIR__, 2 ) . '/wordpress-shim/wp-customer-bridge/includes/class-wp-customer-bridge-renderer.php';

$pairs = json_decode( stream_get_contents( STDIN ), true );
$out   = array();
foreach ( $pairs as $pair ) {
	$out[] = WP_Customer_Bridge_Renderer::agency_statistics( $pair[0], $pair[1], array() );
}
echo json_encode( $out );
