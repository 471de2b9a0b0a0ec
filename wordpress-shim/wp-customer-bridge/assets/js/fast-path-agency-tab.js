/**
 * WP Customer Bridge — the fast path for WP Agency's agency info tab.
 *
 * WP Agency's get_agency_details (admin-ajax) answers every tab of an agency as HTML; the info tab
 * holds the WP Customer plugin's "Statistik Customer" block. This transport sends that request
 * with a header telling the shim the script is here, so the shim leaves a placeholder instead of
 * asking the bridge from PHP, and meanwhile (while WordPress answers) asks the bridge directly for
 * the block
 * (GET /tabs/agency/{id}/statistics?shape=plugin, WordPress's cookie plus the REST nonce). The
 * plugin's JavaScript then gets WP Agency's answer with the bridge's block in the placeholder's
 * place: the same HTML the admin-ajax path gives. When the bridge does not answer (unreachable,
 * any status but 200, not the block), the request is sent again without the header and that
 * answer, rendered wholly by WordPress, is used.
 *
 * Configuration comes from the fast-path script's wpCustomerBridgeFastPath: url, nonce.
 */
( function ( $ ) {
	'use strict';

	var config = window.wpCustomerBridgeFastPath;
	if ( ! config || ! config.url || ! config.nonce || ! $ || ! $.ajaxTransport || ! window.fetch || ! window.URLSearchParams ) {
		return;
	}
	var ACTION = 'get_agency_details';
	var HEADER = 'X-WP-Customer-Bridge-Fast-Path';
	var PLACEHOLDER = /<!--wp-customer-bridge:agency-statistics:([0-9]+)-->/g;

	function isAdminAjax( url ) {
		return /\/admin-ajax\.php(\?|#|$)/.test( String( url || '' ) );
	}

	function paramsOf( options ) {
		var query = String( options.url || '' ).split( '#' )[ 0 ].split( '?' )[ 1 ] || '';
		var body = typeof options.data === 'string' ? options.data : '';
		return new URLSearchParams( query + ( query && body ? '&' : '' ) + body );
	}

	/** The block for one agency from the bridge; rejects on anything but the block. */
	function block( id ) {
		var url = config.url + '/tabs/agency/' + encodeURIComponent( id ) + '/statistics?shape=plugin';
		return window.fetch( url, {
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': config.nonce, Accept: 'application/json' }
		} ).then( function ( response ) {
			if ( response.status !== 200 ) {
				throw new Error( 'bridge answered ' + response.status );
			}
			return response.json();
		} ).then( function ( json ) {
			if ( ! json || typeof json.html !== 'string' ) {
				throw new Error( 'not the block' );
			}
			return json.html;
		} );
	}

	/** One admin-ajax request as jQuery's XHR transport sends it, with extra headers. */
	function viaAdminAjax( options, headers, extra ) {
		return new Promise( function ( resolve ) {
			var xhr = new window.XMLHttpRequest();
			var all = $.extend( {}, headers, extra );
			xhr.open( options.type, options.url, true );
			if ( ! all[ 'X-Requested-With' ] ) {
				all[ 'X-Requested-With' ] = 'XMLHttpRequest';
			}
			Object.keys( all ).forEach( function ( name ) {
				xhr.setRequestHeader( name, all[ name ] );
			} );
			xhr.onload = xhr.onerror = xhr.onabort = function () {
				resolve( xhr );
			};
			xhr.send( options.hasContent && options.data ? options.data : null );
		} );
	}

	/** Every string of an answer with its placeholders replaced, or null when one has no block. */
	function filled( value, blocks ) {
		if ( typeof value === 'string' ) {
			var missing = false;
			var out = value.replace( PLACEHOLDER, function ( whole, id ) {
				if ( ! Object.prototype.hasOwnProperty.call( blocks, id ) ) {
					missing = true;
					return whole;
				}
				return blocks[ id ];
			} );
			return missing ? null : out;
		}
		if ( value && typeof value === 'object' ) {
			var copy = Array.isArray( value ) ? [] : {};
			var keys = Object.keys( value );
			for ( var i = 0; i < keys.length; i++ ) {
				var inner = filled( value[ keys[ i ] ], blocks );
				if ( inner === null ) {
					return null;
				}
				copy[ keys[ i ] ] = inner;
			}
			return copy;
		}
		return value;
	}

	/** The placeholders' agency ids in an answer's text. */
	function placeholdersIn( text ) {
		var ids = {};
		String( text ).replace( PLACEHOLDER, function ( whole, id ) {
			ids[ id ] = true;
			return whole;
		} );
		return Object.keys( ids );
	}

	$.ajaxTransport( '+*', function ( options ) {
		if ( ! isAdminAjax( options.url ) || options.crossDomain ) {
			return undefined;
		}
		var params = paramsOf( options );
		if ( params.get( 'action' ) !== ACTION ) {
			return undefined;
		}
		var aborted = false;
		var asked = {};
		var blockOf = function ( id ) {
			if ( ! asked[ id ] ) {
				asked[ id ] = block( id );
				asked[ id ].catch( function () {} ); // an unused or failed answer is not an error of the page
			}
			return asked[ id ];
		};
		return {
			send: function ( headers, done ) {
				var finish = function ( xhr, text, path ) {
					if ( ! aborted ) {
						done( xhr.status, xhr.statusText, { text: text }, 'Content-Type: application/json; charset=UTF-8\r\nX-WP-Customer-Bridge-Path: ' + path + '\r\n' );
					}
				};
				var again = function () {
					return viaAdminAjax( options, headers, {} ).then( function ( xhr ) {
						finish( xhr, xhr.responseText, 'admin-ajax' );
					} );
				};
				var extra = {};
				extra[ HEADER ] = 'agency-statistics';
				if ( /^[1-9][0-9]{0,18}$/.test( params.get( 'id' ) || '' ) ) {
					blockOf( params.get( 'id' ) ); // asked while WordPress answers: the tab's agency
				}
				viaAdminAjax( options, headers, extra ).then( function ( xhr ) {
					var ids = xhr.status === 200 ? placeholdersIn( xhr.responseText ) : [];
					if ( ! ids.length ) {
						finish( xhr, xhr.responseText, 'admin-ajax' );
						return null;
					}
					return Promise.all( ids.map( blockOf ) ).then( function ( html ) {
						var blocks = {};
						ids.forEach( function ( id, i ) {
							blocks[ id ] = html[ i ];
						} );
						var json = filled( JSON.parse( xhr.responseText ), blocks );
						if ( json === null ) {
							throw new Error( 'a placeholder without its block' );
						}
						finish( xhr, JSON.stringify( json ), 'direct' );
					} ).catch( again );
				} );
			},
			abort: function () {
				aborted = true;
			}
		};
	} );
}( window.jQuery ) );
