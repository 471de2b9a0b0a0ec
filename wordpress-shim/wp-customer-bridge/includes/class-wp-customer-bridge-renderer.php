<?php
/**
 * HTML and row shapes the WP Customer plugin's JavaScript expects.
 *
 * The bridge returns data (JSON-typed rows with a `permissions` object); buttons, badges and
 * escaping are WordPress's job, done here exactly as the plugin's controllers do them. Strings
 * the plugin shows use its text domain (wp-customer) so its translations still apply.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Pure rendering: bridge rows in, plugin rows / HTML out; every value escaped.
 */
class WP_Customer_Bridge_Renderer {

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

	/**
	 * A whole DataTables answer: counts as ints, draw echoed as int, rows mapped.
	 *
	 * @param array    $bridge DataTables JSON from the bridge.
	 * @param callable $map    Row mapper (one of the *_row methods).
	 * @param int      $draw   The browser's draw counter (used when the bridge omits it).
	 * @return array
	 */
	public static function datatable( array $bridge, $map, $draw ) {
		$rows = array();
		if ( isset( $bridge['data'] ) && is_array( $bridge['data'] ) ) {
			foreach ( $bridge['data'] as $row ) {
				if ( is_array( $row ) ) {
					$rows[] = call_user_func( $map, $row );
				}
			}
		}
		$response = array(
			'draw'            => isset( $bridge['draw'] ) ? (int) $bridge['draw'] : (int) $draw,
			'recordsTotal'    => isset( $bridge['recordsTotal'] ) ? (int) $bridge['recordsTotal'] : 0,
			'recordsFiltered' => isset( $bridge['recordsFiltered'] ) ? (int) $bridge['recordsFiltered'] : 0,
			'data'            => $rows,
		);
		if ( isset( $bridge['error'] ) && is_scalar( $bridge['error'] ) && '' !== (string) $bridge['error'] ) {
			$response['error'] = (string) $bridge['error'];
		}
		$panes = self::search_panes( $bridge );
		if ( null !== $panes ) {
			$response['searchPanes'] = $panes;
		}
		return $response;
	}

	/**
	 * The bridge's SearchPanes options (`searchPanes.options[column] = [{label, value, total, count}]`)
	 * for the client: labels escaped like every other cell (SearchPanes writes them as HTML),
	 * values kept as the bridge sent them (the client sends them back as the selection).
	 *
	 * @since 0.2.0
	 *
	 * @param array $bridge Bridge answer.
	 * @return array|null Null when the answer carries no panes.
	 */
	public static function search_panes( array $bridge ) {
		if ( ! isset( $bridge['searchPanes']['options'] ) || ! is_array( $bridge['searchPanes']['options'] ) ) {
			return null;
		}
		$options = array();
		foreach ( $bridge['searchPanes']['options'] as $column => $list ) {
			if ( ! is_array( $list ) ) {
				continue;
			}
			$options[ (string) $column ] = array();
			foreach ( $list as $option ) {
				if ( ! is_array( $option ) || ! isset( $option['value'] ) || ! is_scalar( $option['value'] ) ) {
					continue;
				}
				$label                         = isset( $option['label'] ) && is_scalar( $option['label'] ) ? (string) $option['label'] : (string) $option['value'];
				$options[ (string) $column ][] = array(
					'label' => esc_html( $label ),
					'value' => (string) $option['value'],
					'total' => isset( $option['total'] ) ? (int) $option['total'] : 0,
					'count' => isset( $option['count'] ) ? (int) $option['count'] : 0,
				);
			}
		}
		return array( 'options' => $options );
	}

	/**
	 * The DataTables answer that makes the client show $message instead of rows.
	 *
	 * @param int    $draw    The browser's draw counter.
	 * @param string $message Plain text for the user.
	 * @return array
	 */
	public static function datatable_error( $draw, $message ) {
		return array(
			'draw'            => (int) $draw,
			'recordsTotal'    => 0,
			'recordsFiltered' => 0,
			'data'            => array(),
			'error'           => wp_strip_all_tags( (string) $message ),
		);
	}

	/**
	 * The agency info tab's "Statistik Customer" block, markup and texts as the plugin renders it.
	 *
	 * @param int   $customer_count Customers linked to the agency that the user may see.
	 * @param int   $branch_count   Their branches.
	 * @param array $statistics     Full statistics (passed to the plugin's action).
	 * @return string
	 */
	public static function agency_statistics( $customer_count, $branch_count, array $statistics ) {
		$customer_count = (int) $customer_count;
		$branch_count   = (int) $branch_count;
		ob_start();
		?>
<div class="agency-detail-section wp-customer-integration">
	<h3><?php esc_html_e( 'Statistik Customer', 'wp-customer' ); ?></h3>

	<div class="agency-detail-row">
		<label><?php esc_html_e( 'Total Customer', 'wp-customer' ); ?>:</label>
		<span><strong><?php echo esc_html( $customer_count ); ?></strong></span>
	</div>

	<div class="agency-detail-row">
		<label><?php esc_html_e( 'Total Cabang', 'wp-customer' ); ?>:</label>
		<span><strong><?php echo esc_html( $branch_count ); ?></strong></span>
	</div>

		<?php if ( $customer_count > 0 ) : ?>
	<div class="agency-detail-row">
		<label><?php esc_html_e( 'Keterangan', 'wp-customer' ); ?>:</label>
		<span>
			<?php
			/* translators: 1: customer count, 2: branch count */
			echo esc_html( sprintf( __( '%d customer terhubung dengan agency ini melalui %d cabang', 'wp-customer' ), $customer_count, $branch_count ) );
			?>
		</span>
	</div>
		<?php else : ?>
	<div class="agency-detail-row">
		<label><?php esc_html_e( 'Keterangan', 'wp-customer' ); ?>:</label>
		<span class="text-muted"><?php esc_html_e( 'Belum ada customer yang terhubung dengan agency ini', 'wp-customer' ); ?></span>
	</div>
		<?php endif; ?>

		<?php do_action( 'wp_customer_after_agency_statistics', $customer_count, $branch_count, $statistics ); ?>
</div>

<style>
	.wp-customer-integration {
		margin-top: 20px;
		padding-top: 20px;
		border-top: 1px solid #e0e0e0;
	}

	.wp-customer-integration h3 {
		color: #2271b1;
		margin-bottom: 15px;
		font-size: 14px;
		font-weight: 600;
	}

	.wp-customer-integration .agency-detail-row {
		margin-bottom: 10px;
	}

	.wp-customer-integration .text-muted {
		color: #999;
		font-style: italic;
	}
</style>
		<?php
		return (string) ob_get_clean();
	}

	/**
	 * A notice in place of the statistics block when the bridge cannot answer.
	 *
	 * @param string $message Plain text.
	 * @return string
	 */
	public static function agency_statistics_unavailable( $message ) {
		return sprintf(
			'<div class="agency-detail-section wp-customer-integration"><h3>%1$s</h3><div class="notice notice-warning inline wp-customer-bridge-notice"><p>%2$s</p></div></div>',
			esc_html__( 'Statistik Customer', 'wp-customer' ),
			esc_html( $message )
		);
	}
}
