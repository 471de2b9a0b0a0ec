/**
 * WP Customer Bridge — the "Customers" screen (sites without the WP Customer plugin).
 *
 * Server-side DataTables through the same admin-ajax actions and nonce the plugin uses;
 * the rows arrive escaped and with their action buttons built by PHP, so cells are used as-is.
 * Errors (the bridge down, no access) are shown in a notice instead of DataTables' alert().
 *
 * The customers table has SearchPanes (status, province, regency), server-side: the bridge
 * counts the options and applies the selections; their columns are hidden. The Export buttons
 * post the table's current request (dt.ajax.params(): search, order, columns, panes) to the
 * shim's admin-post action, which relays the bridge's whole-set file (assets/js/export.js).
 *
 * @since 0.2.0 SearchPanes and Export.
 */
( function ( $ ) {
	'use strict';

	var data = window.wpCustomerData || {};
	var i18n = data.i18n || {};
	var detail = { customerId: null, branches: null, employees: null };

	$.fn.dataTable.ext.errMode = 'none';

	function showError( message ) {
		var $notice = $( '#wp-customer-bridge-error' );
		$notice.find( 'p' ).text( ( i18n.error || '' ) + ' ' + message );
		$notice.prop( 'hidden', false );
	}

	function clearError() {
		$( '#wp-customer-bridge-error' ).prop( 'hidden', true );
	}

	function ajaxFor( action, extra ) {
		return {
			url: data.ajaxUrl,
			type: 'POST',
			data: function ( d ) {
				// action first: PHP drops input variables beyond max_input_vars, and admin-ajax routes by it.
				return $.extend( { action: action }, d, extra ? extra() : {}, { nonce: data.nonce } );
			}
		};
	}

	function onError( table ) {
		table.on( 'dt-error', function ( e, settings, techNote, message ) {
			showError( String( message ).replace( /^DataTables warning: table id=\S+ - /, '' ) );
		} );
		table.on( 'xhr', function ( e, settings, json ) {
			if ( json && ! json.error ) {
				clearError();
			}
		} );
		return table;
	}

	function language() {
		return {
			emptyTable: 'Tidak ada data yang tersedia',
			zeroRecords: 'Tidak ditemukan data yang sesuai',
			processing: 'Memproses...'
		};
	}

	// A hidden column whose values only the panes show (the rows do not carry them).
	function paneColumn( name, title ) {
		return {
			data: name,
			visible: false,
			searchable: false,
			orderable: false,
			defaultContent: '',
			searchPanes: { show: true, header: title }
		};
	}

	var customers = onError( $( '#customers-table' ).DataTable( {
		processing: true,
		serverSide: true,
		ajax: ajaxFor( 'handle_customer_datatable' ),
		layout: { top1: 'searchPanes' },
		searchPanes: { layout: 'columns-3', initCollapsed: false, cascadePanes: false, viewTotal: false },
		columns: [
			{ data: 'code', searchPanes: { show: false } },
			{ data: 'name', searchPanes: { show: false } },
			{ data: 'owner_name', searchPanes: { show: false } },
			{ data: 'branch_count', searchable: false, searchPanes: { show: false } },
			{ data: 'actions', orderable: false, searchable: false, searchPanes: { show: false } },
			paneColumn( 'status', i18n.status || 'Status' ),
			paneColumn( 'province_name', i18n.province || 'Province' ),
			paneColumn( 'regency_name', i18n.regency || 'Regency' )
		],
		order: [ [ 0, 'asc' ] ],
		pageLength: data.perPage || 10,
		language: language(),
		rowId: function ( row ) {
			return 'customer-' + row.id;
		}
	} ) );

	function loadStats( customerId ) {
		$.post( data.ajaxUrl, { action: 'get_customer_stats', id: customerId, nonce: data.nonce } )
			.done( function ( response ) {
				if ( response && response.success ) {
					$( '#customer-stats' ).text(
						response.data.total_branches + ' ' + ( i18n.branches || 'branches' ).toLowerCase() + ', ' +
						response.data.total_employees + ' ' + ( i18n.employees || 'employees' ).toLowerCase()
					);
				} else {
					$( '#customer-stats' ).text( response && response.data ? response.data.message : '' );
				}
			} );
	}

	function openCustomer( customerId, name ) {
		detail.customerId = customerId;
		$( '#customer-detail-title' ).html( name );
		$( '#customer-detail' ).prop( 'hidden', false );
		loadStats( customerId );
		if ( detail.branches ) {
			detail.branches.ajax.reload();
			detail.employees.ajax.reload();
			return;
		}
		var byCustomer = function () {
			return { customer_id: detail.customerId };
		};
		detail.branches = onError( $( '#branches-table' ).DataTable( {
			processing: true,
			serverSide: true,
			ajax: ajaxFor( 'handle_branch_datatable', byCustomer ),
			columns: [
				{ data: 'code' },
				{ data: 'name' },
				{ data: 'admin_name' },
				{ data: 'type' },
				{ data: 'actions', orderable: false, searchable: false }
			],
			order: [ [ 1, 'asc' ] ],
			pageLength: data.perPage || 10,
			language: language()
		} ) );
		detail.employees = onError( $( '#employees-table' ).DataTable( {
			processing: true,
			serverSide: true,
			ajax: ajaxFor( 'handle_customer_employee_datatable', byCustomer ),
			columns: [
				{ data: 'name' },
				{ data: 'department', orderable: false, searchable: false },
				{ data: 'branch_name' },
				{
					data: 'status',
					render: function ( value ) {
						var active = value === 'active';
						return '<span class="status-badge ' + ( active ? 'status-active' : 'status-inactive' ) + '">' +
							( active ? 'Aktif' : 'Nonaktif' ) + '</span>';
					}
				},
				{ data: 'actions', orderable: false, searchable: false }
			],
			order: [ [ 0, 'asc' ] ],
			pageLength: data.perPage || 10,
			language: language()
		} ) );
	}

	$( '.wp-customer-bridge-export-button' ).on( 'click', function () {
		if ( window.wpCustomerBridgeExport && window.wpCustomerBridgeExport.submit ) {
			window.wpCustomerBridgeExport.submit( customers, 'customers', $( this ).data( 'format' ) );
		}
	} );

	$( '#customers-table' ).on( 'click', '.view-customer', function ( e ) {
		e.preventDefault();
		var row = customers.row( $( this ).closest( 'tr' ) ).data();
		if ( row ) {
			openCustomer( row.id, row.name );
		}
	} );
}( jQuery ) );
