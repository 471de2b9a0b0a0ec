<?php
/**
 * What PHP integrations decide about the current user's access, for the bridge.
 *
 * On a site with the shim, the WP Customer plugin's models no longer run, so the filters by which
 * other plugins decide access — WP App Core and WP Agency grant `platform` and `agency` through
 * `wp_customer_access_type` — would lose their effect. This class computes the user's relation
 * the way CustomerModel::getUserRelation and BranchModel::getUserRelation do in the general
 * context (customer id 0, branch id 0), applies the same filters with the same arguments, and
 * states each outcome that differs from the computed value:
 *
 *     customer=platform;branch=platform
 *
 * The client signs it with the request (WP_Customer_Bridge_Signer, seventh line); the bridge
 * applies it last: a type grants that type, `none` withdraws. The statement is kept per user in a
 * transient for a short time, so a DataTables draw does not run every integration again. It also
 * names the plugin's per-row permission filters that have PHP callbacks (`perm=edit_employee`,
 * WP_Customer_Bridge_Permissions), checked on every request (has_filter() costs nothing).
 *
 * @package WP_Customer_Bridge
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * The access statement of a user.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Access {

	/**
	 * Transient prefix; the user id follows.
	 *
	 * @since 0.2.0
	 */
	const TRANSIENT = 'wp_customer_bridge_access_';

	/**
	 * Seconds a statement is kept (filter `wp_customer_bridge_access_ttl`).
	 *
	 * @since 0.2.0
	 */
	const TTL = 30;

	/**
	 * The statement for the current user ('' when PHP integrations changed nothing and hook no
	 * permission filter, or for anyone but the current, logged-in user).
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The user the request is made as.
	 * @return string
	 */
	public static function statement( $user_id ) {
		$user_id = (int) $user_id;
		if ( $user_id <= 0 || get_current_user_id() !== $user_id ) {
			return '';
		}
		$parts = array_filter( array( self::types( $user_id ), WP_Customer_Bridge_Permissions::statement() ) );
		return implode( ';', $parts );
	}

	/**
	 * The access types' part of the statement, kept in a transient.
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The current user.
	 * @return string
	 */
	public static function types( $user_id ) {
		$key    = self::TRANSIENT . $user_id;
		$cached = get_transient( $key );
		if ( is_string( $cached ) ) {
			return $cached;
		}
		$statement = self::evaluate( $user_id );
		/**
		 * Filters how long, in seconds, a user's access statement is kept.
		 *
		 * @since 0.2.0
		 *
		 * @param int $ttl     Seconds (30).
		 * @param int $user_id The user.
		 */
		$ttl = (int) apply_filters( 'wp_customer_bridge_access_ttl', self::TTL, $user_id );
		if ( $ttl > 0 ) {
			set_transient( $key, $statement, $ttl );
		}
		return $statement;
	}

	/**
	 * Forget a user's statement (their roles or relations changed).
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The user.
	 * @return void
	 */
	public static function forget( $user_id ) {
		delete_transient( self::TRANSIENT . (int) $user_id );
	}

	/**
	 * Run the plugin's access filters for the current user and state what they changed.
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The current user.
	 * @return string
	 */
	public static function evaluate( $user_id ) {
		$flags    = self::relation( $user_id );
		$computed = self::access_type( $flags );
		$parts    = array();

		$context  = array_merge( $flags, array( 'user_id' => $user_id, 'customer_id' => 0 ) );
		$customer = apply_filters( 'wp_customer_access_type', $computed, $context );
		if ( $customer !== $computed ) {
			$parts[] = 'customer=' . self::slug( $customer );
		}

		$context = array_merge( $flags, array( 'user_id' => $user_id, 'branch_id' => 0 ) );
		$branch  = apply_filters( 'wp_customer_branch_access_type', $computed, $context );
		if ( has_filter( 'wp_branch_access_type' ) ) { // The deprecated name, as BranchModel still applies it.
			$branch = apply_filters_deprecated( 'wp_branch_access_type', array( $branch, $context ), '1.1.0', 'wp_customer_branch_access_type' );
		}
		if ( $branch !== $computed ) {
			$parts[] = 'branch=' . self::slug( $branch );
		}
		return implode( ';', $parts );
	}

	/**
	 * The four booleans of the plugin's relation array for the general context: only active
	 * rows count; an employee is one who is neither owner nor branch admin.
	 *
	 * @since 0.2.0
	 *
	 * @param int $user_id The user.
	 * @return array<string, bool>
	 */
	public static function relation( $user_id ) {
		global $wpdb;
		$p   = $wpdb->prefix;
		$row = $wpdb->get_row( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- one indexed lookup, cached in a transient by the caller.
			$wpdb->prepare(
				"SELECT EXISTS(SELECT 1 FROM {$p}app_customers WHERE user_id = %d AND status = 'active') AS owner, " // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table names from $wpdb->prefix.
				. "EXISTS(SELECT 1 FROM {$p}app_customer_branches WHERE user_id = %d AND status = 'active') AS branch_admin, "
				. "EXISTS(SELECT 1 FROM {$p}app_customer_employees WHERE user_id = %d AND status = 'active') AS employee",
				$user_id,
				$user_id,
				$user_id
			),
			ARRAY_A
		);
		$owner        = ! empty( $row['owner'] );
		$branch_admin = ! empty( $row['branch_admin'] );
		return array(
			'is_admin'                 => current_user_can( 'edit_all_customers' ),
			'is_customer_admin'        => $owner,
			'is_customer_branch_admin' => $branch_admin,
			'is_customer_employee'     => ! empty( $row['employee'] ) && ! $owner && ! $branch_admin,
		);
	}

	/**
	 * The plugin's own access type for a relation: the first that holds, else `none`.
	 *
	 * @since 0.2.0
	 *
	 * @param array<string, bool> $flags The relation's booleans.
	 * @return string
	 */
	public static function access_type( array $flags ) {
		$types = array(
			'is_admin'                 => 'admin',
			'is_customer_admin'        => 'customer_admin',
			'is_customer_branch_admin' => 'customer_branch_admin',
			'is_customer_employee'     => 'customer_employee',
		);
		foreach ( $types as $flag => $type ) {
			if ( ! empty( $flags[ $flag ] ) ) {
				return $type;
			}
		}
		return 'none';
	}

	/**
	 * A filter's answer as the statement carries it: a slug of at most 64 characters; anything
	 * else (not a string, empty) is `none`, which the plugin's models scope as nothing too.
	 *
	 * @since 0.2.0
	 *
	 * @param mixed $type What a filter returned.
	 * @return string
	 */
	private static function slug( $type ) {
		$slug = is_string( $type ) ? substr( preg_replace( '/[^a-z0-9_]/', '', strtolower( $type ) ), 0, 64 ) : '';
		return '' === $slug ? 'none' : $slug;
	}
}
