<?php
/**
 * Plugin Name: WP Customer Bridge e2e — WP Agency's agency list
 * Description: Test-only must-use plugin (copied into the temporary WordPress of tests/e2e, never
 * shipped). WP Agency is not installed there; this is its get_agencies_datatable admin-ajax
 * handler as WP Agency 1.0.7 answers it (plugin-facts §2.5, §2.6: AgencyDashboardController's
 * handler over wp-app-core's DataTable base), written for the tests: the nonce and the
 * view_agency_list check with wp_agency_can_access_agencies_page, the SELECT list whose index
 * order[0][column] names, the WHERE list of wpapp_datatable_agencies_where (the shim's scope),
 * the search over four columns of the magic-quoted $_POST value, length 1..100, the counts, the
 * rows with their buttons and the row and response filters. The browser fast path must answer
 * exactly what this answers (tests/e2e/test_fast_path_agency.py). WP Agency's version constant
 * is defined as WP Agency 1.0.7 defines it, unless a test's wp-config.php variant says otherwise.
 */

if ( ! defined( 'WP_AGENCY_VERSION' ) ) {
	define( 'WP_AGENCY_VERSION', getenv( 'WPBRIDGE_E2E_AGENCY_VERSION' ) ?: '1.0.7' );
}

add_action(
	'wp_ajax_get_agencies_datatable',
	function () {
		global $wpdb;
		if ( ! check_ajax_referer( 'wpapp_panel_nonce', 'nonce', false ) ) {
			wp_send_json_error( array( 'message' => 'Security check failed' ) );
		}
		$can = apply_filters( 'wp_agency_can_access_agencies_page', current_user_can( 'view_agency_list' ), get_current_user_id() );
		if ( ! $can ) {
			wp_send_json_error( array( 'message' => 'Permission denied' ) );
		}
		$request = $_POST; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked above.
		$model   = null;
		$columns = apply_filters(
			'wpapp_datatable_agencies_columns',
			array( 'a.code as code', 'a.name as name', 'a.provinsi_code', 'a.regency_code', 'p.name as provinsi_name', 'r.name as regency_name', 'a.id as id' ),
			$model,
			$request
		);
		$where   = apply_filters( 'wpapp_datatable_agencies_where', array(), $request, $model );
		$joins   = apply_filters(
			'wpapp_datatable_agencies_joins',
			array( 'LEFT JOIN wp_wi_provinces p ON a.provinsi_code = p.code', 'LEFT JOIN wp_wi_regencies r ON a.regency_code = r.code' ),
			$request,
			$model
		);
		$from    = "FROM {$wpdb->prefix}app_agencies a " . implode( ' ', $joins );
		$matches = $where;
		if ( ! empty( $request['search']['value'] ) ) {
			$like = '%' . $wpdb->esc_like( $request['search']['value'] ) . '%';
			$ors  = array();
			foreach ( array( 'a.code', 'a.name', 'p.name', 'r.name' ) as $column ) {
				$ors[] = $wpdb->prepare( "{$column} LIKE %s", $like ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			}
			$matches[] = '(' . implode( ' OR ', $ors ) . ')';
		}
		$order = 'ORDER BY a.id DESC';
		if ( isset( $request['order'][0] ) ) {
			$index = intval( $request['order'][0]['column'] );
			if ( isset( $columns[ $index ] ) ) {
				$parts = preg_split( '/\s+as\s+/i', $columns[ $index ] );
				$dir   = 'DESC' === strtoupper( sanitize_text_field( $request['order'][0]['dir'] ) ) ? 'DESC' : 'ASC';
				$order = 'ORDER BY ' . trim( end( $parts ) ) . ' ' . $dir;
			}
		}
		$start  = max( 0, isset( $request['start'] ) ? intval( $request['start'] ) : 0 );
		$length = max( 1, min( isset( $request['length'] ) ? intval( $request['length'] ) : 10, 100 ) );
		$sql    = 'SELECT ' . implode( ', ', $columns ) . " {$from} WHERE " . ( $matches ? implode( ' AND ', $matches ) : '1=1' ) . " {$order} " . $wpdb->prepare( 'LIMIT %d, %d', $start, $length );
		$rows   = $wpdb->get_results( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$total  = (int) $wpdb->get_var( "SELECT COUNT(a.id) {$from}" . ( $where ? ' WHERE ' . implode( ' AND ', $where ) : '' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$found  = (int) $wpdb->get_var( "SELECT COUNT(a.id) {$from} WHERE " . ( $matches ? implode( ' AND ', $matches ) : '1=1' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$data   = array();
		foreach ( $rows ? $rows : array() as $row ) {
			$buttons = array(
				sprintf(
					'<button type="button" class="button button-small wpapp-panel-trigger" data-id="%d" data-entity="agency" title="%s">' . "\n" . str_repeat( ' ', 16 ) . '<span class="dashicons dashicons-visibility"></span>' . "\n" . str_repeat( ' ', 12 ) . '</button>',
					esc_attr( $row->id ),
					esc_attr__( 'View Details', 'wp-agency' )
				),
			);
			foreach ( array( 'edit' => array( 'edit', 'Edit' ), 'delete' => array( 'trash', 'Delete' ) ) as $action => $button ) {
				if ( apply_filters( "wp_agency_can_{$action}_agency", current_user_can( "{$action}_agency" ), $row->id ) ) {
					$buttons[] = sprintf(
						'<button type="button" class="button button-small wpapp-%s-agency" data-id="%d" title="%s">' . "\n" . str_repeat( ' ', 20 ) . '<span class="dashicons dashicons-%s"></span>' . "\n" . str_repeat( ' ', 16 ) . '</button>',
						$action,
						esc_attr( $row->id ),
						esc_attr__( $button[1], 'wp-agency' ), // phpcs:ignore WordPress.WP.I18n.NonSingularStringLiteralText
						$button[0]
					);
				}
			}
			$formatted = array(
				'DT_RowId'      => 'agency-' . $row->id,
				'DT_RowData'    => array(
					'id'     => $row->id,
					'entity' => 'agency',
				),
				'code'          => esc_html( $row->code ),
				'name'          => esc_html( $row->name ),
				'provinsi_name' => esc_html( $row->provinsi_name ?? '-' ),
				'regency_name'  => esc_html( $row->regency_name ?? '-' ),
				'actions'       => implode( ' ', $buttons ),
			);
			$data[]    = apply_filters( 'wpapp_datatable_agencies_row_data', $formatted, $row, $model );
		}
		$response = array(
			'draw'            => isset( $request['draw'] ) ? intval( $request['draw'] ) : 0,
			'recordsTotal'    => $total,
			'recordsFiltered' => $found,
			'data'            => $data,
		);
		wp_send_json( apply_filters( 'wpapp_datatable_agencies_response', $response, $model ) );
	}
);
