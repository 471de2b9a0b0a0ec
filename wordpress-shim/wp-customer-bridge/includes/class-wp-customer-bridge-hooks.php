<?php
/**
 * Finding and detaching the WP Customer plugin's own callbacks.
 *
 * When the shim takes over a job the plugin also does (the agency tab block, the agency list
 * filter) or replays an action the bridge has already handled (whose plugin handlers would
 * write the same rows twice), it removes the plugin's callbacks — recognised by their class
 * living in the plugin's namespace — and leaves everyone else's alone.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Helpers over $wp_filter.
 */
class WP_Customer_Bridge_Hooks {

	/**
	 * Namespace of the WP Customer plugin's classes.
	 */
	const PLUGIN_NAMESPACE = 'WPCustomer\\';

	/**
	 * The class a callback belongs to ('' for plain functions).
	 *
	 * @param mixed $callback Any callable as stored by WP_Hook.
	 * @return string
	 */
	public static function owner_class( $callback ) {
		if ( is_array( $callback ) && isset( $callback[0] ) ) {
			return is_object( $callback[0] ) ? get_class( $callback[0] ) : (string) $callback[0];
		}
		if ( is_string( $callback ) && false !== strpos( $callback, '::' ) ) {
			return (string) strstr( $callback, '::', true );
		}
		if ( $callback instanceof Closure ) {
			$reflection = new ReflectionFunction( $callback );
			$this_obj   = $reflection->getClosureThis();
			if ( is_object( $this_obj ) ) {
				return get_class( $this_obj );
			}
			$scope = $reflection->getClosureScopeClass();
			return $scope ? $scope->getName() : '';
		}
		if ( is_object( $callback ) ) {
			return get_class( $callback );
		}
		return '';
	}

	/**
	 * Whether a callback is the WP Customer plugin's own.
	 *
	 * @param mixed $callback Callable.
	 * @return bool
	 */
	public static function is_plugin_callback( $callback ) {
		$class = ltrim( self::owner_class( $callback ), '\\' );
		return 0 === strpos( $class, self::PLUGIN_NAMESPACE );
	}

	/**
	 * Remove the callbacks of $hook that $predicate selects.
	 *
	 * @param string   $hook      Hook name.
	 * @param callable $predicate fn( callable $callback, int $priority ): bool.
	 * @return array<int, array{0: int, 1: callable, 2: int}> What was removed: priority, callback, accepted args.
	 */
	public static function detach( $hook, $predicate ) {
		global $wp_filter;
		$removed = array();
		if ( ! isset( $wp_filter[ $hook ] ) || ! is_object( $wp_filter[ $hook ] ) || ! isset( $wp_filter[ $hook ]->callbacks ) ) {
			return $removed;
		}
		foreach ( $wp_filter[ $hook ]->callbacks as $priority => $callbacks ) {
			foreach ( $callbacks as $entry ) {
				if ( isset( $entry['function'] ) && call_user_func( $predicate, $entry['function'], (int) $priority ) ) {
					$removed[] = array( (int) $priority, $entry['function'], isset( $entry['accepted_args'] ) ? (int) $entry['accepted_args'] : 1 );
				}
			}
		}
		foreach ( $removed as $item ) {
			remove_filter( $hook, $item[1], $item[0] );
		}
		return $removed;
	}

	/**
	 * Remove the WP Customer plugin's callbacks from $hook.
	 *
	 * @param string $hook Hook name.
	 * @return array What was removed (see detach()).
	 */
	public static function detach_plugin( $hook ) {
		return self::detach(
			$hook,
			static function ( $callback ) {
				return self::is_plugin_callback( $callback );
			}
		);
	}

	/**
	 * Remove the callbacks of $hook that belong to the named plugin classes (short names, e.g.
	 * "AgencyTabController", matched against the end of the fully qualified name in the plugin's
	 * namespace).
	 *
	 * @param string   $hook    Hook name.
	 * @param string[] $classes Short class names.
	 * @return array What was removed (see detach()).
	 */
	public static function detach_plugin_classes( $hook, array $classes ) {
		return self::detach(
			$hook,
			static function ( $callback ) use ( $classes ) {
				return self::is_plugin_class( $callback, $classes );
			}
		);
	}

	/**
	 * Whether a callback belongs to one of the named classes of the WP Customer plugin (short
	 * names, matched against the end of the fully qualified name in the plugin's namespace).
	 *
	 * @since 0.2.0
	 *
	 * @param mixed    $callback Callable as stored by WP_Hook.
	 * @param string[] $classes  Short class names.
	 * @return bool
	 */
	public static function is_plugin_class( $callback, array $classes ) {
		if ( ! self::is_plugin_callback( $callback ) ) {
			return false;
		}
		$class = ltrim( self::owner_class( $callback ), '\\' );
		foreach ( $classes as $short ) {
			if ( substr( $class, -strlen( '\\' . $short ) ) === '\\' . $short ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The callbacks of $hook, in the order WordPress runs them.
	 *
	 * @since 0.2.0
	 *
	 * @param string $hook Hook name.
	 * @return callable[]
	 */
	public static function callbacks( $hook ) {
		global $wp_filter;
		$found = array();
		if ( ! isset( $wp_filter[ $hook ] ) || ! is_object( $wp_filter[ $hook ] ) || ! isset( $wp_filter[ $hook ]->callbacks ) ) {
			return $found;
		}
		foreach ( $wp_filter[ $hook ]->callbacks as $callbacks ) {
			foreach ( $callbacks as $entry ) {
				if ( isset( $entry['function'] ) ) {
					$found[] = $entry['function'];
				}
			}
		}
		return $found;
	}

	/**
	 * Put back callbacks removed by detach().
	 *
	 * @param string $hook    Hook name.
	 * @param array  $removed What detach() returned.
	 * @return void
	 */
	public static function reattach( $hook, array $removed ) {
		foreach ( $removed as $item ) {
			add_filter( $hook, $item[1], $item[0], $item[2] );
		}
	}
}
