<?php
/**
 * The WP Customer plugin's row rendering in PHP, for tests/test_plugin_rows.py.
 *
 * The class below is the shim's PHP renderer as it was before the bridge took the rendering over
 * (bridge/plugin_rows.py, ?shape=plugin): the plugin controllers' rows, with WordPress 6.1's own
 * esc_html/esc_attr (wp-includes/formatting.php and kses.php from Debian's `wordpress` package).
 * Reads {"rows": {"customers": [...], ...}, "strings": [...]} as JSON on stdin and prints the
 * rendered rows and esc_html() of each string. Only the hook system, options and translations
 * are stubbed.
 */

define( 'ABSPATH', '/usr/share/wordpress/' );
define( 'WPINC', 'wp-includes' );

function apply_filters( $hook, $value ) {
	return $value;
}

function add_filter() {
	return true;
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

require ABSPATH . 'wp-includes/formatting.php';
require ABSPATH . 'wp-includes/kses.php';

/**
 * The plugin's rows, as the shim rendered them in PHP.
 */
class Plugin_Rows {

	const DEPARTMENTS = array( 'finance', 'operation', 'legal', 'purchase' );

	/**
	 * A value as text ('' for null and non-scalars).
	 *
	 * @param mixed $value Anything from JSON.
	 * @return string
	 */
	private static function text( $value ) {
		if ( is_bool( $value ) ) {
			return $value ? '1' : '0';
		}
		return is_scalar( $value ) ? (string) $value : '';
	}

	/**
	 * Whether the row's permissions allow an action.
	 *
	 * @param array  $row    Bridge row.
	 * @param string $action view, edit or delete.
	 * @return bool
	 */
	private static function can( array $row, $action ) {
		return isset( $row['permissions'][ $action ] ) && true === $row['permissions'][ $action ];
	}

	/**
	 * One dashicon button.
	 *
	 * @param string $class   Button class (view-customer, …).
	 * @param int    $id      Row id.
	 * @param string $icon    Dashicon name without the prefix.
	 * @param string $title   Title attribute ('' for none).
	 * @param string $extra   Extra attributes, already escaped.
	 * @return string
	 */
	private static function button( $class, $id, $icon, $title = '', $extra = '' ) {
		return sprintf(
			'<button type="button" class="button %1$s" data-id="%2$d"%3$s%4$s><i class="dashicons dashicons-%5$s"></i></button>',
			esc_attr( $class ),
			(int) $id,
			$extra,
			'' === $title ? '' : ' title="' . esc_attr( $title ) . '"',
			esc_attr( $icon )
		);
	}

	/**
	 * A customer row as the customers DataTable expects it.
	 *
	 * @param array $row Bridge row.
	 * @return array
	 */
	public static function customer_row( array $row ) {
		$id    = isset( $row['id'] ) ? (int) $row['id'] : 0;
		$owner = self::text( isset( $row['owner_name'] ) ? $row['owner_name'] : null );
		return array(
			'id'           => $id,
			'code'         => esc_html( self::text( isset( $row['code'] ) ? $row['code'] : '' ) ),
			'name'         => esc_html( self::text( isset( $row['name'] ) ? $row['name'] : '' ) ),
			'owner_name'   => esc_html( '' === $owner ? '-' : $owner ),
			'branch_count' => isset( $row['branch_count'] ) ? (int) $row['branch_count'] : 0,
			'actions'      => self::customer_actions( $id, $row ),
		);
	}

	/**
	 * The customer action buttons (view / edit / delete).
	 *
	 * @param int   $id  Customer id.
	 * @param array $row Bridge row with permissions.
	 * @return string
	 */
	public static function customer_actions( $id, array $row ) {
		$html = '';
		if ( self::can( $row, 'view' ) ) {
			$html .= self::button( 'small-button view-customer', $id, 'visibility' ) . ' ';
		}
		if ( self::can( $row, 'edit' ) ) {
			$html .= self::button( 'small-button edit-customer', $id, 'edit' ) . ' ';
		}
		if ( self::can( $row, 'delete' ) ) {
			$html .= self::button( 'small-button delete-customer', $id, 'trash' );
		}
		return $html;
	}

	/**
	 * A branch row as the branches DataTable expects it.
	 *
	 * @param array $row Bridge row.
	 * @return array
	 */
	public static function branch_row( array $row ) {
		$id    = isset( $row['id'] ) ? (int) $row['id'] : 0;
		$admin = trim( self::text( isset( $row['admin_name'] ) ? $row['admin_name'] : null ) );
		return array(
			'id'         => $id,
			'code'       => esc_html( self::text( isset( $row['code'] ) ? $row['code'] : '' ) ),
			'name'       => esc_html( self::text( isset( $row['name'] ) ? $row['name'] : '' ) ),
			'admin_name' => esc_html( '' === $admin ? '-' : $admin ),
			'type'       => esc_html( self::text( isset( $row['type'] ) ? $row['type'] : '' ) ),
			'actions'    => self::branch_actions( $id, $row ),
		);
	}

	/**
	 * The branch action buttons.
	 *
	 * @param int   $id  Branch id.
	 * @param array $row Bridge row with permissions.
	 * @return string
	 */
	public static function branch_actions( $id, array $row ) {
		$html = '';
		if ( self::can( $row, 'view' ) ) {
			$html .= self::button( 'view-branch', $id, 'visibility', __( 'Lihat', 'wp-customer' ) ) . ' ';
		}
		if ( self::can( $row, 'edit' ) ) {
			$html .= self::button( 'edit-branch', $id, 'edit', __( 'Edit', 'wp-customer' ) ) . ' ';
		}
		if ( self::can( $row, 'delete' ) ) {
			$html .= self::button( 'delete-branch', $id, 'trash', __( 'Hapus', 'wp-customer' ) );
		}
		return $html;
	}

	/**
	 * An employee row as the employees DataTable expects it.
	 *
	 * @param array $row Bridge row.
	 * @return array
	 */
	public static function employee_row( array $row ) {
		$id          = isset( $row['id'] ) ? (int) $row['id'] : 0;
		$departments = array();
		foreach ( self::DEPARTMENTS as $dept ) {
			$departments[ $dept ] = ! empty( $row[ $dept ] );
		}
		$status = self::text( isset( $row['status'] ) ? $row['status'] : '' );
		return array(
			'id'          => $id,
			'name'        => esc_html( self::text( isset( $row['name'] ) ? $row['name'] : '' ) ),
			'position'    => esc_html( self::text( isset( $row['position'] ) ? $row['position'] : '' ) ),
			'department'  => self::department_badges( $departments ),
			'email'       => esc_html( self::text( isset( $row['email'] ) ? $row['email'] : '' ) ),
			'branch_name' => esc_html( self::text( isset( $row['branch_name'] ) ? $row['branch_name'] : '' ) ),
			'status'      => esc_html( $status ),
			'actions'     => self::employee_actions( $id, $status, $row ),
		);
	}

	/**
	 * Department badges: one span per department the employee belongs to, or an empty marker.
	 *
	 * @param array<string, bool> $departments finance/operation/legal/purchase → member.
	 * @return string
	 */
	public static function department_badges( array $departments ) {
		$badges = '';
		foreach ( $departments as $dept => $member ) {
			if ( $member ) {
				$badges .= sprintf( '<span class="department-badge %s">%s</span>', esc_attr( $dept ), esc_html( ucfirst( $dept ) ) );
			}
		}
		if ( '' === $badges ) {
			return '<div class="department-badges-container empty">-</div>';
		}
		return '<div class="department-badges-container">' . $badges . '</div>';
	}

	/**
	 * The employee action buttons, including the status toggle.
	 *
	 * @param int    $id     Employee id.
	 * @param string $status Current status (active/inactive).
	 * @param array  $row    Bridge row with permissions.
	 * @return string
	 */
	public static function employee_actions( $id, $status, array $row ) {
		$html = '';
		if ( self::can( $row, 'view' ) ) {
			$html .= self::button( 'view-employee', $id, 'visibility', __( 'Lihat', 'wp-customer' ) ) . ' ';
		}
		if ( self::can( $row, 'edit' ) ) {
			$html .= self::button( 'edit-employee', $id, 'edit', __( 'Edit', 'wp-customer' ) ) . ' ';
		}
		if ( self::can( $row, 'delete' ) ) {
			$html .= self::button( 'delete-employee', $id, 'trash', __( 'Hapus', 'wp-customer' ) );
		}
		if ( self::can( $row, 'edit' ) ) {
			$active = 'active' === $status;
			$html  .= self::button(
				'toggle-status',
				$id,
				$active ? 'remove' : 'yes',
				$active ? __( 'Nonaktifkan', 'wp-customer' ) : __( 'Aktifkan', 'wp-customer' ),
				' data-status="' . esc_attr( $active ? 'inactive' : 'active' ) . '"'
			);
		}
		return $html;
	}
}

$input = json_decode( stream_get_contents( STDIN ), true );
$maps  = array(
	'customers' => 'customer_row',
	'branches'  => 'branch_row',
	'employees' => 'employee_row',
);
$out   = array(
	'rows'    => array(),
	'strings' => array(),
);
foreach ( $maps as $table => $map ) {
	$out['rows'][ $table ] = array_map( array( 'Plugin_Rows', $map ), $input['rows'][ $table ] );
}
foreach ( $input['strings'] as $text ) {
	$out['strings'][] = esc_html( $text );
}
echo json_encode( $out );
