<?php
/**
 * HTML and row shapes the WP Customer plugin's JavaScript expects.
 *
 * The rows of the plugin's tables (escaped text, action buttons, department badges) are rendered
 * in one place, the bridge (`?shape=plugin`, bridge/plugin_rows.py), which the browser's fast path
 * also asks directly: this class only makes the DataTables envelope and the agency statistics
 * block. Strings the plugin shows use its text domain (wp-customer) so its translations apply.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Pure rendering: bridge answers in, the plugin's JSON / HTML out; every value escaped.
 */
class WP_Customer_Bridge_Renderer {

	/**
	 * A whole DataTables answer: counts as ints, draw echoed as int, the rows as the bridge
	 * rendered them in the plugin's shape (asked for with shape=plugin).
	 *
	 * @since 0.2.0 Rows are no longer rendered here: the bridge renders them for both paths.
	 *
	 * @param array $bridge DataTables JSON from the bridge, rows in the plugin's shape.
	 * @param int   $draw   The browser's draw counter (used when the bridge omits it).
	 * @return array
	 */
	public static function datatable( array $bridge, $draw ) {
		$rows = array();
		if ( isset( $bridge['data'] ) && is_array( $bridge['data'] ) ) {
			foreach ( $bridge['data'] as $row ) {
				if ( is_array( $row ) ) {
					$rows[] = $row;
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
