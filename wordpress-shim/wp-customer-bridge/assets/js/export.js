/**
 * WP Customer Bridge — Export (CSV, Excel) of what a server-side DataTable shows.
 *
 * The browser cannot reach the bridge, so a DataTable's last request (dt.ajax.params(): search,
 * order, columns, panes, and extra fields such as customer_id) is posted as a form to the shim's
 * admin-post action wp_customer_bridge_export, which relays the bridge's whole-set file. Visible
 * columns are labelled by their headers; hidden ones name no column, so the file holds what the
 * table shows. On WP Customer's own screens (wpCustomerBridgeExport.auto), CSV and Excel buttons
 * are added above each of the plugin's tables the site lets the user export
 * (the wp_customer_enable_export filter, decided in PHP).
 *
 * @since 0.2.0
 */
( function ( $ ) {
	'use strict';

	var settings = window.wpCustomerBridgeExport || {};

	function decode( text ) {
		return decodeURIComponent( ( text || '' ).replace( /\+/g, ' ' ) );
	}

	// The table's last request as [name, value] form fields, WordPress's own fields replaced.
	function fields( dt, table, format ) {
		var params = $.extend( true, {}, dt.ajax.params() );
		delete params.action;
		delete params.nonce;
		( params.columns || [] ).forEach( function ( column, i ) {
			if ( dt.column( i ).visible() ) {
				column.name = $( dt.column( i ).header() ).text().trim();
			} else {
				column.data = '';
			}
		} );
		var out = [
			[ 'action', settings.action ],
			[ '_wpnonce', settings.nonce ],
			[ 'table', table ],
			[ 'format', format ]
		];
		$.param( params ).split( '&' ).forEach( function ( pair ) {
			if ( pair ) {
				var parts = pair.split( '=' );
				out.push( [ decode( parts[ 0 ] ), decode( parts.slice( 1 ).join( '=' ) ) ] );
			}
		} );
		return out;
	}

	// Post the export form: a download leaves the page as it is; a refusal shows WordPress's error page.
	function submit( dt, table, format ) {
		if ( ! settings.url || ! dt.ajax.params() ) {
			return;
		}
		var $form = $( '<form method="post" hidden></form>' ).attr( 'action', settings.url );
		fields( dt, table, format ).forEach( function ( field ) {
			$( '<input type="hidden">' ).attr( 'name', field[ 0 ] ).val( field[ 1 ] ).appendTo( $form );
		} );
		$form.appendTo( document.body );
		$form[ 0 ].submit();
		window.setTimeout( function () {
			$form.remove();
		}, 1000 );
	}

	// CSV and Excel buttons above a table, for the plugin's screens.
	function addButtons( dt, table ) {
		var i18n = settings.i18n || {};
		var $group = $( '<p class="wp-customer-bridge-export" role="group"></p>' )
			.attr( 'aria-label', i18n.export || 'Export' )
			.text( ( i18n.exportWhat || 'Export what the table shows:' ) + ' ' );
		[ [ 'csv', i18n.csv || 'CSV' ], [ 'xlsx', i18n.excel || 'Excel' ] ].forEach( function ( spec ) {
			$( '<button type="button" class="button wp-customer-bridge-export-button"></button>' )
				.attr( 'data-format', spec[ 0 ] )
				.text( spec[ 1 ] )
				.on( 'click', function () {
					submit( dt, table, spec[ 0 ] );
				} )
				.appendTo( $group );
			$group.append( ' ' );
		} );
		$( dt.table().container() ).before( $group );
	}

	if ( settings.auto ) {
		$( document ).on( 'init.dt', function ( e, ctx ) {
			var dt = new $.fn.dataTable.Api( ctx );
			var params = dt.ajax.params() || {};
			var table = ( settings.tables || {} )[ params.action ];
			if ( table && ! $( dt.table().container() ).prev().hasClass( 'wp-customer-bridge-export' ) ) {
				addButtons( dt, table );
			}
		} );
	}

	window.wpCustomerBridgeExport = $.extend( settings, { fields: fields, submit: submit } );
}( jQuery ) );
