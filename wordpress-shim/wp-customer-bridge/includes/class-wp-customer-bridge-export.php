<?php
/**
 * Whole-table export (CSV, Excel) relayed from the bridge: the browser cannot reach the bridge,
 * so the Customers screen posts its DataTable's current request (search, order, columns, panes)
 * to admin-post.php?action=wp_customer_bridge_export; the shim checks the nonce, the capability
 * and the wp_customer_enable_export filter, forwards the parameters to the bridge's
 * /datatables/{table}/export as a signed request, and relays the file with the bridge's
 * Content-Type and Content-Disposition. The file goes through a temporary file (the HTTP API's
 * stream mode, then readfile(), or a chunk at a time when the transport left the answer's chunked
 * framing in the file), so PHP's memory stays flat whatever the size. A refusal or an
 * unreachable bridge becomes a readable wp_die() page, never a broken file.
 *
 * @package WP_Customer_Bridge
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * The admin-post action wp_customer_bridge_export.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Export {

	const ACTION       = 'wp_customer_bridge_export';
	const NONCE_ACTION = 'wp_customer_bridge_export';
	const NONCE_FIELD  = '_wpnonce';
	const SCRIPT       = 'wp-customer-bridge-export';

	/**
	 * WP Customer's screens (admin page slugs) whose tables get Export buttons when allowed.
	 */
	const PLUGIN_SCREENS = array( 'wp-customer' );

	/**
	 * What may be exported: bridge table → capability needed (as for its DataTable).
	 */
	const TABLES = array(
		'customers' => 'view_customer_list',
		'branches'  => 'read',
		'employees' => 'read',
	);

	/**
	 * Formats the bridge writes, and the Content-Type to fall back on.
	 */
	const FORMATS = array(
		'csv'  => 'text/csv; charset=utf-8',
		'xlsx' => 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	);

	/**
	 * Seconds the bridge may take to stream a whole export (up to its BRIDGE_EXPORT_MAX_ROWS).
	 */
	const TIMEOUT = 300;

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Reads the raw request body (php://input by default; replaceable for tests).
	 *
	 * @var callable
	 */
	private $input;

	/**
	 * Sends one response header (header() by default; replaceable for tests).
	 *
	 * @var callable
	 */
	private $emit;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Client $client Bridge client.
	 * @param callable|null             $input  Returns the raw request body.
	 * @param callable|null             $emit   Sends one header line.
	 */
	public function __construct( WP_Customer_Bridge_Client $client, $input = null, $emit = null ) {
		$this->client = $client;
		$this->input  = null !== $input ? $input : array( 'WP_Customer_Bridge_Ajax', 'read_php_input' );
		$this->emit   = null !== $emit ? $emit : 'header';
	}

	/**
	 * Hook in (logged-in users only: admin-post.php runs admin_post_{action} for them).
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_post_' . self::ACTION, array( $this, 'handle' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue_on_plugin_screens' ) );
	}

	/**
	 * The export script and its settings (admin-post URL, action, nonce; with $auto, the tables
	 * of the plugin's admin-ajax actions the user may export, which get buttons when they load).
	 *
	 * @param bool $auto Whether the script adds buttons above the plugin's tables itself.
	 * @return void
	 */
	public static function enqueue_script( $auto ) {
		$tables = array();
		foreach ( WP_Customer_Bridge_Ajax::TABLES as $ajax_action => $spec ) {
			if ( isset( self::TABLES[ $spec['table'] ] ) && current_user_can( self::TABLES[ $spec['table'] ] ) && self::enabled( $spec['table'] ) ) {
				$tables[ $ajax_action ] = $spec['table'];
			}
		}
		wp_enqueue_script( self::SCRIPT, plugins_url( 'assets/js/export.js', WP_CUSTOMER_BRIDGE_FILE ), array( 'jquery' ), WP_CUSTOMER_BRIDGE_VERSION, true );
		wp_localize_script(
			self::SCRIPT,
			'wpCustomerBridgeExport',
			array(
				'url'    => admin_url( 'admin-post.php' ),
				'action' => self::ACTION,
				'nonce'  => wp_create_nonce( self::NONCE_ACTION ),
				'auto'   => (bool) $auto,
				'tables' => (object) $tables,
				'i18n'   => array(
					'export'     => __( 'Export', 'wp-customer-bridge' ),
					'exportWhat' => __( 'Export what the table shows:', 'wp-customer-bridge' ),
					'csv'        => __( 'CSV', 'wp-customer-bridge' ),
					'excel'      => __( 'Excel', 'wp-customer-bridge' ),
				),
			)
		);
	}

	/**
	 * On WP Customer's Customers screen (page=wp-customer), the export script with buttons for
	 * the tables wp_customer_enable_export allows; nothing when it allows none (its default
	 * while the WP Customer plugin is active).
	 *
	 * @param string $hook Current admin page hook.
	 * @return void
	 */
	public static function enqueue_on_plugin_screens( $hook ) {
		$page = isset( $_GET['page'] ) ? sanitize_key( wp_unslash( $_GET['page'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- which screen, not an action.
		if ( ! in_array( $page, self::PLUGIN_SCREENS, true ) || ! is_user_logged_in() ) {
			return;
		}
		foreach ( array_keys( self::TABLES ) as $table ) {
			if ( current_user_can( self::TABLES[ $table ] ) && self::enabled( $table ) ) {
				self::enqueue_script( true );
				return;
			}
		}
	}

	/**
	 * Whether the current user may export $table from this site's screens. On the shim's own
	 * Customers screen export is on; on the WP Customer plugin's screens it is off unless the
	 * plugin's wp_customer_enable_export filter turns it on. The bridge applies its own filter too.
	 *
	 * @param string $table customers, branches or employees.
	 * @return bool
	 */
	public static function enabled( $table ) {
		/**
		 * Filters whether a user may export a table's whole filtered set.
		 *
		 * @since 0.2.0
		 *
		 * @param bool   $enabled True on the shim's own screen, false when WP Customer's screens are in use.
		 * @param string $table   customers, branches or employees.
		 * @param int    $user_id The current user.
		 */
		return (bool) apply_filters( 'wp_customer_enable_export', ! WP_Customer_Bridge_Plugin::customer_plugin_active(), (string) $table, get_current_user_id() );
	}

	/**
	 * Answer the request and end it. Output buffers are closed first, so readfile() streams the
	 * file instead of collecting it in memory.
	 *
	 * @return void
	 */
	public function handle() {
		while ( ob_get_level() > 0 ) {
			ob_end_clean();
		}
		$this->respond();
		exit;
	}

	/**
	 * Check, forward, relay: the file's headers and bytes, or a wp_die() page saying why not.
	 *
	 * @return void
	 */
	public function respond() {
		$method = isset( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( sanitize_key( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) ) : 'POST';
		$query  = isset( $_SERVER['QUERY_STRING'] ) ? (string) wp_unslash( $_SERVER['QUERY_STRING'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- forwarded to the bridge, which validates it.
		$body   = 'GET' === $method ? '' : (string) call_user_func( $this->input );
		$params = 'GET' === $method ? $query : $body;

		$nonce = WP_Customer_Bridge_Ajax::raw_param( $params, self::NONCE_FIELD );
		if ( null === $nonce || false === wp_verify_nonce( sanitize_text_field( $nonce ), self::NONCE_ACTION ) ) {
			self::refuse( __( 'The export link has expired. Reload the page and try again.', 'wp-customer-bridge' ), 403 );
			return;
		}
		$table  = sanitize_key( (string) WP_Customer_Bridge_Ajax::raw_param( $params, 'table' ) );
		$format = sanitize_key( (string) WP_Customer_Bridge_Ajax::raw_param( $params, 'format' ) );
		if ( ! isset( self::TABLES[ $table ] ) || ! isset( self::FORMATS[ $format ] ) ) {
			self::refuse( __( 'Unknown table or export format.', 'wp-customer-bridge' ), 400 );
			return;
		}
		if ( ! is_user_logged_in() || ! current_user_can( self::TABLES[ $table ] ) || ! self::enabled( $table ) ) {
			self::refuse( __( 'Sorry, you are not allowed to export this table.', 'wp-customer-bridge' ), 403 );
			return;
		}

		$forward = WP_Customer_Bridge_Ajax::strip_params( $params, array( 'action', self::NONCE_FIELD, '_wp_http_referer', 'table', 'format' ) );
		$file    = self::temporary_file();
		$result  = $this->client->download(
			'POST',
			'/datatables/' . $table . '/export',
			WP_Customer_Bridge_Client::build_query( array( 'format' => $format ) ),
			$forward,
			$file,
			self::TIMEOUT
		);
		$response = $result['response'];
		if ( ! $response->is_ok() || ! is_array( $result['raw'] ) ) {
			wp_delete_file( $file );
			self::refuse( WP_Customer_Bridge_Client::message_for_current_user( $response ), $response->status >= 400 && $response->status < 500 ? $response->status : 502 );
			return;
		}
		$this->relay( $result['raw'], $file, $table, $format );
	}

	/**
	 * Send the bridge's file: its Content-Type and Content-Disposition (a safe fallback when
	 * missing or odd), then its bytes from the temporary file, which is then removed.
	 *
	 * @param array  $raw    The HTTP API result (headers).
	 * @param string $file   Temporary file holding the body.
	 * @param string $table  Table exported.
	 * @param string $format csv or xlsx.
	 * @return void
	 */
	private function relay( array $raw, $file, $table, $format ) {
		$type        = (string) wp_remote_retrieve_header( $raw, 'content-type' );
		$disposition = (string) wp_remote_retrieve_header( $raw, 'content-disposition' );
		if ( ! preg_match( '#^[a-z]+/[a-z0-9.+-]+(; *charset=[A-Za-z0-9_-]+)?$#i', $type ) ) {
			$type = self::FORMATS[ $format ];
		}
		if ( ! preg_match( '/^attachment; filename="[A-Za-z0-9._-]+"$/', $disposition ) ) {
			$disposition = 'attachment; filename="' . $table . '-' . gmdate( 'Y-m-d' ) . '.' . $format . '"';
		}
		$chunked = self::holds_chunks( $file );
		$size    = filesize( $file );
		call_user_func( $this->emit, 'Content-Type: ' . $type );
		call_user_func( $this->emit, 'Content-Disposition: ' . $disposition );
		call_user_func( $this->emit, 'Cache-Control: no-store' );
		call_user_func( $this->emit, 'X-Content-Type-Options: nosniff' );
		if ( ! $chunked && false !== $size ) {
			call_user_func( $this->emit, 'Content-Length: ' . $size );
		}
		if ( $chunked ) {
			self::copy_chunks( $file );
		} else {
			readfile( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_readfile -- streams the local temporary file.
		}
		wp_delete_file( $file );
	}

	/**
	 * Whether $file still holds HTTP chunked framing ("1d\r\n…\r\n0\r\n\r\n"): WordPress's
	 * fsockopen transport (used without PHP's curl) writes a streamed answer to the file as it
	 * came off the socket, and the bridge streams exports chunked. Neither format can be taken for
	 * framing: a CSV starts with its byte order mark, an XLSX with "PK".
	 *
	 * @param string $file Temporary file.
	 * @return bool
	 */
	private static function holds_chunks( $file ) {
		$head = file_get_contents( $file, false, null, 0, 64 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local temporary file.
		return is_string( $head ) && 1 === preg_match( '/^[0-9a-f]{1,8}(;[^\r\n]*)?\r\n/i', $head );
	}

	/**
	 * Send the payload of a chunked file, a chunk at a time (stream_copy_to_stream: flat memory).
	 *
	 * @param string $file Temporary file holding chunked framing.
	 * @return void
	 */
	private static function copy_chunks( $file ) {
		// phpcs:disable WordPress.WP.AlternativeFunctions -- local temporary file and PHP's output stream.
		$in  = fopen( $file, 'rb' );
		$out = fopen( 'php://output', 'wb' );
		if ( false === $in || false === $out ) {
			return;
		}
		while ( false !== ( $line = fgets( $in ) ) ) { // phpcs:ignore WordPress.CodeAnalysis.AssignmentInCondition.FoundInWhileCondition
			if ( ! preg_match( '/^([0-9a-f]{1,8})/i', $line, $match ) ) {
				break;
			}
			$length = (int) hexdec( $match[1] );
			if ( 0 === $length ) {
				break;
			}
			stream_copy_to_stream( $in, $out, $length );
			fgets( $in ); // The CRLF that ends the chunk.
		}
		fclose( $in );
		fclose( $out );
		// phpcs:enable
	}

	/**
	 * A new temporary file for the bridge's answer.
	 *
	 * @return string
	 */
	private static function temporary_file() {
		if ( ! function_exists( 'wp_tempnam' ) ) {
			require_once ABSPATH . 'wp-admin/includes/file.php';
		}
		return wp_tempnam( 'wp-customer-bridge-export' );
	}

	/**
	 * A readable error page instead of a file.
	 *
	 * @param string $message Plain text.
	 * @param int    $status  HTTP status.
	 * @return void
	 */
	private static function refuse( $message, $status ) {
		wp_die(
			esc_html( $message ),
			esc_html__( 'Export failed', 'wp-customer-bridge' ),
			array(
				'response'  => (int) $status,
				'back_link' => true,
			)
		);
	}
}
