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
// visitors too for the customer and branch tables): they must never run, the shim answers first —
// except for administrators on a WordPress with WP_CUSTOMER_BRIDGE_FALLBACK while the bridge is down.
foreach ( array( 'handle_customer_datatable' => true, 'handle_branch_datatable' => true, 'handle_customer_employee_datatable' => false, 'get_customer_stats' => false ) as $wpbridge_e2e_action => $wpbridge_e2e_nopriv ) {
	$wpbridge_e2e_handler = function () use ( $wpbridge_e2e_action ) {
		wpbridge_e2e_log( array( 'type' => 'plugin-handler', 'action' => $wpbridge_e2e_action, 'fallback' => defined( 'WP_CUSTOMER_BRIDGE_FALLBACK' ) ) );
		wp_send_json( array( 'answered_by' => 'the plugin' ) );
	};
	add_action( 'wp_ajax_' . $wpbridge_e2e_action, $wpbridge_e2e_handler );
	if ( $wpbridge_e2e_nopriv ) {
		add_action( 'wp_ajax_nopriv_' . $wpbridge_e2e_action, $wpbridge_e2e_handler );
	}
}

// Stand-ins for the two screens of the real plugins where the shim's answers are shown, reduced to
// what the shim meets there: WP Customer's Customers screen
// (page=wp-customer) with its statistics boxes, which start at 0 and which its JavaScript fills with
// .text() from get_customer_stats — sending the customer id of the URL's hash, 0 without one — only
// when the answer is a success; and WP Agency's screen (page=wp-agency-disnaker) with its
// get_agency_details action, which renders every agency tab through wpapp_tab_view_content.
add_action(
	'admin_menu',
	function () {
		add_menu_page( 'WP Customer', 'WP Customer', 'read', 'wp-customer', 'wpbridge_e2e_customer_screen' );
		add_menu_page( 'Disnaker', 'Disnaker', 'read', 'wp-agency-disnaker', 'wpbridge_e2e_agency_screen' );
	}
);

add_action(
	'admin_enqueue_scripts',
	function () {
		wp_enqueue_script( 'jquery' );
		if ( isset( $_GET['page'] ) && in_array( $_GET['page'], array( 'wp-customer', 'wp-agency-disnaker' ), true ) ) {
			// The plugins load DataTables for their tables; the stand-ins borrow the shim's copy.
			wp_enqueue_script( 'wpbridge-e2e-datatables', plugins_url( 'wp-customer-bridge/assets/vendor/datatables/dataTables.min.js' ), array( 'jquery' ), '2', true );
			wp_enqueue_style( 'wpbridge-e2e-datatables', plugins_url( 'wp-customer-bridge/assets/vendor/datatables/dataTables.dataTables.min.css' ), array(), '2' );
		}
	}
);

// The plugin's own wp_customer_enable_export filter, as a site would set it: option
// wpbridge_e2e_enable_export "yes" or "no" (unset: no callback).
add_filter(
	'wp_customer_enable_export',
	function ( $enabled ) {
		$choice = get_option( 'wpbridge_e2e_enable_export', '' );
		return '' === $choice ? $enabled : 'yes' === $choice;
	}
);

function wpbridge_e2e_customer_screen() {
	?>
	<div class="wrap">
		<h1>WP Customer</h1>
		<div class="wi-stats-container">
			<div class="wi-stat-box"><h3>Total Customer</h3><p class="wi-stat-number"><span id="total-customers">0</span></p></div>
			<div class="wi-stat-box"><h3>Total Cabang</h3><p class="wi-stat-number" id="total-branches">0</p></div>
			<div class="wi-stat-box"><h3>Total Karyawan</h3><p class="wi-stat-number" id="total-employees">0</p></div>
		</div>
		<table id="customers-table" class="display" style="width:100%">
			<thead><tr><th>Kode</th><th>Nama Customer</th><th>Admin</th><th>Cabang</th><th>Aksi</th></tr></thead>
			<tbody></tbody>
		</table>
	</div>
	<script>
	jQuery( function ( $ ) {
		// The plugin's customers table (assets/js/customer/customer-datatable.js), reduced.
		if ( $.fn.dataTable ) {
			$.fn.dataTable.ext.errMode = 'none';
			$( '#customers-table' ).DataTable( {
				processing: true,
				serverSide: true,
				ajax: {
					url: ajaxurl,
					type: 'POST',
					data: function ( d ) {
						return $.extend( {}, d, { action: 'handle_customer_datatable', nonce: <?php echo wp_json_encode( wp_create_nonce( 'wp_customer_nonce' ) ); ?> } );
					}
				},
				columns: [
					{ data: 'code' },
					{ data: 'name' },
					{ data: 'owner_name' },
					{ data: 'branch_count', searchable: false },
					{ data: 'actions', orderable: false, searchable: false }
				],
				order: [ [ 0, 'asc' ] ],
				rowId: function ( row ) {
					return 'customer-' + row.id;
				}
			} );
		}
		var hash = window.location.hash;
		$.post( ajaxurl, { action: 'get_customer_stats', nonce: <?php echo wp_json_encode( wp_create_nonce( 'wp_customer_nonce' ) ); ?>, id: hash ? parseInt( hash.substring( 1 ) ) : 0 } )
			.done( function ( response ) {
				if ( response.success ) {
					$( '#total-customers' ).text( response.data.total_customers );
					$( '#total-branches' ).text( response.data.total_branches );
					$( '#total-employees' ).text( response.data.total_employees );
				}
			} )
			.always( function () {
				document.body.setAttribute( 'data-stats-loaded', '1' );
			} );
	} );
	</script>
	<?php
}

function wpbridge_e2e_agency_screen() {
	echo '<div class="wrap"><h1>Disnaker</h1>';
	echo '<table id="agencies-table" class="display" style="width:100%"><thead><tr><th>Kode</th><th>Nama</th><th>Provinsi</th><th>Kabupaten</th><th>Aksi</th></tr></thead><tbody></tbody></table>';
	echo '<div id="agency-detail"></div></div>';
	echo '<script>var wpAgencyDataTable = ' . wp_json_encode( array( 'nonce' => wp_create_nonce( 'wpapp_panel_nonce' ) ) ) . ';</script>';
	?>
	<script>
	jQuery( function ( $ ) {
		// WP Agency's agency list (assets/js/agency/agency-datatable.js of 1.0.7), reduced; its
		// handler is the stand-in of wpbridge-e2e-wp-agency.php.
		if ( $.fn.dataTable ) {
			$.fn.dataTable.ext.errMode = 'none';
			$( '#agencies-table' ).DataTable( {
				processing: true,
				serverSide: true,
				ajax: {
					url: ajaxurl,
					type: 'POST',
					data: function ( d ) {
						return $.extend( {}, d, { action: 'get_agencies_datatable', nonce: wpAgencyDataTable.nonce } );
					}
				},
				columns: [
					{ data: 'code' },
					{ data: 'name' },
					{ data: 'provinsi_name' },
					{ data: 'regency_name' },
					{ data: 'actions', orderable: false, searchable: false }
				],
				order: [ [ 1, 'asc' ] ]
			} );
		}
	} );
	</script>
	<?php
}

add_action(
	'wp_ajax_get_agency_details',
	function () {
		check_ajax_referer( 'wpapp_panel_nonce', 'nonce' );
		global $wpdb;
		$id     = isset( $_POST['id'] ) ? (int) $_POST['id'] : 0;
		$agency = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$wpdb->prefix}app_agencies WHERE id = %d", $id ) );
		if ( ! $agency ) {
			wp_send_json_error( array( 'message' => 'Agency not found' ) );
		}
		$tabs = array();
		foreach ( array( 'info', 'divisions', 'employees' ) as $tab ) {
			$data = array( 'agency' => $agency, 'tab_config' => array() );
			ob_start();
			do_action( 'wpapp_tab_view_content', 'agency', $tab, $data );
			do_action( 'wpapp_tab_view_after_content', 'agency', $tab, $data );
			$tabs[ $tab ] = ob_get_clean();
		}
		wp_send_json_success( array( 'title' => $agency->name, 'tabs' => $tabs, 'agency' => $agency ) );
	}
);

// A site's own PHP on the agency statistics block, as a site would add one: option
// wpbridge_e2e_agency_statistics_note holds the text it prints (unset: no callback at all).
if ( '' !== (string) get_option( 'wpbridge_e2e_agency_statistics_note', '' ) ) {
	add_action(
		'wp_customer_after_agency_statistics',
		function () {
			echo '<p class="wpbridge-e2e-note">' . esc_html( get_option( 'wpbridge_e2e_agency_statistics_note' ) ) . '</p>';
		}
	);
}
