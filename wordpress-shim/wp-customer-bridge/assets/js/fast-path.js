/**
 * WP Customer Bridge — the browser fast path.
 *
 * The WP Customer plugin's screens ask admin-ajax.php for their tables and statistics; WordPress
 * boots for each of those calls. This jQuery transport sends the same requests straight to the
 * bridge on this site's own origin, signed in by the browser's WordPress cookie plus the REST
 * nonce (X-WP-Nonce), and asks for the plugin's own row shape (shape=plugin), so the plugin's
 * JavaScript gets exactly the JSON admin-ajax gives it. When the bridge is unreachable, refuses
 * (any status but 200, an in-band DataTables error, a statistics failure) or answers something
 * else, the original admin-ajax request is sent instead and its answer is used. WP Agency's agency
 * list (get_agencies_datatable) is among the tables when the shim finds it safe; its refusal
 * ("Permission denied", not a DataTables answer) is asked of admin-ajax again like any other.
 *
 * Configuration comes from wp_localize_script (wpCustomerBridgeFastPath): url, nonce, tables.
 */
( function ( $ ) {
	'use strict';

	var config = window.wpCustomerBridgeFastPath;
	if ( ! config || ! config.url || ! config.nonce || ! $ || ! $.ajaxTransport ) {
		return;
	}
	var tables = config.tables || {};
	var STATS = 'get_customer_stats';
	var WORDPRESS_ONLY = [ 'action', 'nonce', '_ajax_nonce', 'shape' ];

	/** The request's parameters: the query string of its URL, then its form body. */
	function paramsOf( options ) {
		var query = String( options.url || '' ).split( '#' )[ 0 ].split( '?' )[ 1 ] || '';
		var body = typeof options.data === 'string' ? options.data : '';
		return { query: query, body: body, all: new URLSearchParams( query + ( query && body ? '&' : '' ) + body ) };
	}

	/** A form string without the WordPress-only fields (the bridge has no use for the plugin's nonce). */
	function withoutWordPressFields( raw ) {
		var params = new URLSearchParams( raw );
		WORDPRESS_ONLY.forEach( function ( name ) {
			params.delete( name );
		} );
		return params.toString();
	}

	function isAdminAjax( url ) {
		return /\/admin-ajax\.php(\?|#|$)/.test( String( url || '' ) );
	}

	function ask( url, init ) {
		init.credentials = 'same-origin';
		init.headers = $.extend( { 'X-WP-Nonce': config.nonce, Accept: 'application/json' }, init.headers || {} );
		return window.fetch( url, init ).then( function ( response ) {
			if ( response.status !== 200 ) {
				throw new Error( 'bridge answered ' + response.status );
			}
			return response.json();
		} );
	}

	/** The table's answer from the bridge, in the plugin's shape; rejects on any refusal. */
	function table( name, options, params ) {
		var url = config.url + '/datatables/' + encodeURIComponent( name ) + '?shape=plugin';
		var init = { method: 'GET' };
		var fields = withoutWordPressFields( String( options.type || 'GET' ).toUpperCase() === 'GET' ? params.query : params.body );
		if ( String( options.type || 'GET' ).toUpperCase() === 'GET' ) {
			url += fields ? '&' + fields : '';
		} else {
			init = { method: 'POST', body: fields, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' } };
		}
		return ask( url, init ).then( function ( json ) {
			if ( ! json || typeof json !== 'object' || ! Array.isArray( json.data ) || json.error ) {
				throw new Error( json && json.error ? json.error : 'not a DataTables answer' );
			}
			return json;
		} );
	}

	/** get_customer_stats as the plugin answers it: totals in the caller's scope, employees of the named customer. */
	function stats( params ) {
		var id = parseInt( params.all.get( 'id' ) || '0', 10 );
		var asked = [ ask( config.url + '/statistics/customers', { method: 'GET' } ) ];
		if ( id > 0 ) {
			asked.push( ask( config.url + '/statistics/customers?customer_id=' + id, { method: 'GET' } ) );
		}
		return Promise.all( asked ).then( function ( answers ) {
			var count = function ( data, key ) {
				if ( ! data || typeof data[ key ] !== 'number' ) {
					throw new Error( 'not a statistics answer' );
				}
				return data[ key ];
			};
			var employees = answers.length > 1 ? answers[ 1 ] : answers[ 0 ];
			return {
				success: true,
				data: {
					total_customers: count( answers[ 0 ], 'total_customers' ),
					total_branches: count( answers[ 0 ], 'total_branches' ),
					total_employees: count( employees, 'total_employees' )
				}
			};
		} );
	}

	/** The original request, as jQuery's own XHR transport would have sent it. */
	function viaAdminAjax( options, headers, done ) {
		var xhr = new window.XMLHttpRequest();
		xhr.open( options.type, options.url, true );
		if ( ! headers[ 'X-Requested-With' ] ) {
			headers[ 'X-Requested-With' ] = 'XMLHttpRequest';
		}
		Object.keys( headers ).forEach( function ( name ) {
			xhr.setRequestHeader( name, headers[ name ] );
		} );
		xhr.onload = xhr.onerror = xhr.onabort = function () {
			done( xhr.status, xhr.statusText, { text: xhr.responseText }, xhr.getAllResponseHeaders() );
		};
		xhr.send( options.hasContent && options.data ? options.data : null );
		return xhr;
	}

	$.ajaxTransport( '+*', function ( options ) {
		if ( ! isAdminAjax( options.url ) || options.crossDomain || ! window.fetch || ! window.URLSearchParams ) {
			return undefined;
		}
		var params = paramsOf( options );
		var action = params.all.get( 'action' );
		var answer;
		if ( action === STATS ) {
			answer = function () {
				return stats( params );
			};
		} else if ( Object.prototype.hasOwnProperty.call( tables, action ) ) {
			answer = function () {
				return table( tables[ action ], options, params );
			};
		} else {
			return undefined;
		}
		var aborted = false;
		var fallback = null;
		return {
			send: function ( headers, done ) {
				answer().then(
					function ( json ) {
						if ( ! aborted ) {
							done( 200, 'success', { text: JSON.stringify( json ) }, 'Content-Type: application/json; charset=UTF-8\r\nX-WP-Customer-Bridge-Path: direct\r\n' );
						}
					},
					function () {
						if ( ! aborted ) {
							fallback = viaAdminAjax( options, headers, done );
						}
					}
				);
			},
			abort: function () {
				aborted = true;
				if ( fallback ) {
					fallback.abort();
				}
			}
		};
	} );
}( window.jQuery ) );
