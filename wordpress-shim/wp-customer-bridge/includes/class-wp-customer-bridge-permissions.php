<?php
/**
 * The WP Customer plugin's per-row permission filters, run in WordPress for the rows the bridge asks about.
 *
 * The plugin shows a branch's delete button when its rules or `wp_customer_can_delete_customer_branch`
 * ( false, $relation ) allow it, and an employee's edit and status buttons when its rules or
 * `wp_customer_can_edit_customer_employee` ( false, $employee, $customer, $user_id ) do. The bridge
 * renders those rows, so PHP callbacks on the two filters would lose their effect. Instead the
 * shim names the filters that have callbacks in its signed access statement (`perm=…`,
 * WP_Customer_Bridge_Access); the bridge then adds `wp_bridge_ask` to the DataTables answer: for
 * each row of the page whose rules refused the action, the filter, the row id, the value the
 * bridge's own (Python) callbacks gave, the filter's arguments in the plugin's shapes, and the
 * row's `actions` as the other answer renders them. This class applies each filter for the
 * current user, starting from that value, and where the answer differs puts those `actions` in
 * the row. One request: a PHP answer only picks between two renderings of a row already on the
 * caller's page, and never reaches the bridge.
 *
 * The browser fast path cannot run PHP, so a table whose buttons these callbacks decide is left to
 * admin-ajax (WP_Customer_Bridge_Fast_Path).
 *
 * @package WP_Customer_Bridge
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Asks the plugin's per-row permission filters.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Permissions {

	/**
	 * The statement's names of the filters, and the filters.
	 *
	 * @since 0.2.0
	 */
	const FILTERS = array(
		'delete_branch' => 'wp_customer_can_delete_customer_branch',
		'edit_employee' => 'wp_customer_can_edit_customer_employee',
	);

	/**
	 * The admin-ajax table each filter decides buttons of.
	 *
	 * @since 0.2.0
	 */
	const ACTIONS = array(
		'delete_branch' => 'handle_branch_datatable',
		'edit_employee' => 'handle_customer_employee_datatable',
	);

	/**
	 * Where the bridge puts its questions in a DataTables answer.
	 *
	 * @since 0.2.0
	 */
	const ASK_KEY = 'wp_bridge_ask';

	/**
	 * The statement's names of the filters that have callbacks here.
	 *
	 * @since 0.2.0
	 *
	 * @return string[]
	 */
	public static function hooked() {
		$names = array();
		foreach ( self::FILTERS as $name => $filter ) {
			if ( has_filter( $filter ) ) {
				$names[] = $name;
			}
		}
		return $names;
	}

	/**
	 * The statement's part: `perm=delete_branch,edit_employee`, or '' when no callback is hooked.
	 *
	 * @since 0.2.0
	 *
	 * @return string
	 */
	public static function statement() {
		$names = self::hooked();
		return array() === $names ? '' : 'perm=' . implode( ',', $names );
	}

	/**
	 * The admin-ajax tables the browser fast path must leave to admin-ajax: those whose buttons
	 * PHP callbacks decide.
	 *
	 * @since 0.2.0
	 *
	 * @return string[]
	 */
	public static function admin_ajax_only() {
		$actions = array();
		foreach ( self::hooked() as $name ) {
			$actions[] = self::ACTIONS[ $name ];
		}
		return $actions;
	}

	/**
	 * The bridge's DataTables answer with each asked row's `actions` set by the filters' answers for
	 * $user_id (the current user), and without the questions.
	 *
	 * @since 0.2.0
	 *
	 * @param array $answer  The bridge's answer (rows in the plugin's shape).
	 * @param int   $user_id The current user.
	 * @return array
	 */
	public static function answer( array $answer, $user_id ) {
		$asks = isset( $answer[ self::ASK_KEY ] ) && is_array( $answer[ self::ASK_KEY ] ) ? $answer[ self::ASK_KEY ] : array();
		unset( $answer[ self::ASK_KEY ] );
		if ( array() === $asks || ! isset( $answer['data'] ) || ! is_array( $answer['data'] ) || get_current_user_id() !== (int) $user_id ) {
			return $answer;
		}
		$rows = array();
		foreach ( $answer['data'] as $index => $row ) {
			if ( is_array( $row ) && isset( $row['id'] ) && is_scalar( $row['id'] ) ) {
				$rows[ (int) $row['id'] ] = $index;
			}
		}
		foreach ( $asks as $ask ) {
			$actions = self::decide( $ask, (int) $user_id );
			if ( null !== $actions && isset( $rows[ (int) $ask['id'] ] ) ) {
				$answer['data'][ $rows[ (int) $ask['id'] ] ]['actions'] = $actions;
			}
		}
		return $answer;
	}

	/**
	 * One question: the other rendering of the row's actions when the filter's answer differs from
	 * the bridge's value, else null (also for a question this class does not know).
	 *
	 * @since 0.2.0
	 *
	 * @param mixed $ask     One entry of `wp_bridge_ask`.
	 * @param int   $user_id The current user.
	 * @return string|null
	 */
	public static function decide( $ask, $user_id ) {
		if ( ! is_array( $ask ) || ! isset( $ask['filter'], $ask['id'], $ask['args'], $ask['actions'] )
			|| ! in_array( $ask['filter'], self::FILTERS, true ) || ! is_array( $ask['args'] ) || ! is_string( $ask['actions'] ) ) {
			return null;
		}
		$value  = ! empty( $ask['value'] );
		$answer = self::evaluate( (string) $ask['filter'], $value, $ask['args'], $user_id );
		return null === $answer || $answer === $value ? null : $ask['actions'];
	}

	/**
	 * The filter's answer for one row, applied as the plugin applies it (the same arguments, in
	 * its shapes: the branch relation as an array, BranchModel::getUserRelation's; the employee and
	 * its customer as $wpdb row objects, and the user id), starting from $value; null when the
	 * bridge's arguments are not what the filter takes.
	 *
	 * @since 0.2.0
	 *
	 * @param string $filter  The filter.
	 * @param bool   $value   The bridge's answer (its rules refused; its Python callbacks said this).
	 * @param array  $args    The bridge's arguments.
	 * @param int    $user_id The current user.
	 * @return bool|null
	 */
	private static function evaluate( $filter, $value, array $args, $user_id ) {
		if ( ! isset( $args[0] ) || ! is_array( $args[0] ) ) {
			return null;
		}
		if ( self::FILTERS['delete_branch'] === $filter ) {
			return (bool) apply_filters( 'wp_customer_can_delete_customer_branch', $value, $args[0] );
		}
		$customer = isset( $args[1] ) && is_array( $args[1] ) ? (object) $args[1] : null;
		return (bool) apply_filters( 'wp_customer_can_edit_customer_employee', $value, (object) $args[0], $customer, (int) $user_id );
	}
}
