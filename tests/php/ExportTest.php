<?php
/**
 * The export relay (admin-post wp_customer_bridge_export): nonce, capability and the
 * wp_customer_enable_export filter refuse before the bridge is asked; the table's parameters are
 * forwarded signed, without WordPress's own fields; the bridge's file comes back byte for byte
 * with its Content-Type and Content-Disposition through a temporary file; a bridge refusal or an
 * unreachable bridge is a readable wp_die() page, never a file.
 */
class ExportTest extends Shim_TestCase {

	/**
	 * Header lines the relay sent.
	 *
	 * @var string[]
	 */
	private $headers = array();

	private function export( $body ) {
		$this->headers = array();
		return new WP_Customer_Bridge_Export(
			$this->client(),
			static function () use ( $body ) {
				return $body;
			},
			function ( $line ) {
				$this->headers[] = $line;
			}
		);
	}

	/**
	 * Run the relay; return [output, wp_die exception or null].
	 */
	private function run_export( $body ) {
		$export = $this->export( $body );
		ob_start();
		try {
			$export->respond();
			$died = null;
		} catch ( Test_WP_Die $e ) {
			$died = $e;
		}
		return array( ob_get_clean(), $died );
	}

	private function body( $extra = '' ) {
		return 'action=wp_customer_bridge_export&_wpnonce=export-nonce&table=customers&format=csv'
			. '&draw=3&columns%5B0%5D%5Bdata%5D=code&columns%5B0%5D%5Bname%5D=Code&search%5Bvalue%5D=maju+jaya'
			. '&searchPanes%5Bstatus%5D%5B0%5D=active' . $extra;
	}

	private function file_answer( $bytes ) {
		$GLOBALS['test_responses'][] = array(
			'response' => array( 'code' => 200 ),
			'headers'  => array(
				'content-type'        => 'text/csv; charset=utf-8',
				'content-disposition' => 'attachment; filename="customers-2026-12-04.csv"',
			),
			'body'     => $bytes,
		);
	}

	public function test_registers_for_logged_in_users_only() {
		$this->export( '' )->register();
		$this->assertArrayHasKey( 'admin_post_wp_customer_bridge_export', $GLOBALS['wp_filter'] );
		$this->assertArrayNotHasKey( 'admin_post_nopriv_wp_customer_bridge_export', $GLOBALS['wp_filter'] );
	}

	public function test_relays_the_file_with_the_bridges_headers() {
		$bytes = "\xEF\xBB\xBFCode,Name\r\nC1,PT Maju Jaya\r\n";
		$this->file_answer( $bytes );
		list( $out, $died ) = $this->run_export( $this->body() );

		$this->assertNull( $died, $died ? $died->getMessage() : '' );
		$this->assertSame( $bytes, $out );
		$this->assertContains( 'Content-Type: text/csv; charset=utf-8', $this->headers );
		$this->assertContains( 'Content-Disposition: attachment; filename="customers-2026-12-04.csv"', $this->headers );
		$this->assertContains( 'Content-Length: ' . strlen( $bytes ), $this->headers );

		$request = $this->last_request();
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/customers/export?format=csv', $request['url'] );
		$this->assertSame( 'POST', $request['args']['method'] );
		$this->assertSame(
			'draw=3&columns%5B0%5D%5Bdata%5D=code&columns%5B0%5D%5Bname%5D=Code&search%5Bvalue%5D=maju+jaya&searchPanes%5Bstatus%5D%5B0%5D=active',
			$request['args']['body']
		);
		$this->assertArrayHasKey( 'X-WP-Bridge-Signature', $request['args']['headers'] );
		$this->assertEquals( 7, $request['args']['headers']['X-WP-Bridge-User'] );
		$this->assertTrue( $request['args']['stream'] );
		$this->assertFileDoesNotExist( $request['args']['filename'], 'the temporary file is removed' );
	}

	public function test_chunked_framing_left_by_the_transport_is_decoded() {
		// WordPress's fsockopen transport writes a chunked answer to the stream file undecoded.
		$csv     = "\xEF\xBB\xBFCode,Name\r\nC1,PT Maju\r\nC2,CV \"Jaya\"\r\n";
		$chunked = dechex( 13 ) . "\r\n" . substr( $csv, 0, 13 ) . "\r\n" . dechex( strlen( $csv ) - 13 ) . ";ext=1\r\n" . substr( $csv, 13 ) . "\r\n0\r\n\r\n";
		$this->file_answer( $chunked );
		list( $out, $died ) = $this->run_export( $this->body() );
		$this->assertNull( $died );
		$this->assertSame( $csv, $out );
		$this->assertEmpty( preg_grep( '/^Content-Length/', $this->headers ), 'the decoded length is not known up front' );
	}

	/**
	 * A 32 MiB export, plain and chunked, relayed with PHP's peak memory barely moving (about
	 * 80 KiB measured; reading the file into memory instead peaks near 100 MB).
	 */
	public function test_memory_stays_flat_for_a_big_file() {
		if ( ! function_exists( 'memory_reset_peak_usage' ) ) {
			$this->markTestSkipped( 'needs PHP 8.2 (memory_reset_peak_usage)' );
		}
		$line = str_pad( 'C0001,PT Maju Jaya,Andi Budi', 1023, '.' ) . "\n"; // 1 KiB
		foreach ( array( false, true ) as $chunked ) {
			$source = tempnam( sys_get_temp_dir(), 'wpcb-big' );
			$handle = fopen( $source, 'wb' );
			fwrite( $handle, $chunked ? "3\r\n\xEF\xBB\xBF\r\n" : "\xEF\xBB\xBF" );
			for ( $i = 0; $i < 512; $i++ ) {
				$block = str_repeat( $line, 64 ); // 64 KiB
				fwrite( $handle, $chunked ? dechex( strlen( $block ) ) . "\r\n" . $block . "\r\n" : $block );
			}
			fwrite( $handle, $chunked ? "0\r\n\r\n" : '' );
			fclose( $handle );
			$GLOBALS['test_responses'][] = array(
				'response'  => array( 'code' => 200 ),
				'headers'   => array(),
				'body_file' => $source,
			);
			$export = $this->export( $this->body() );
			$sent   = 0;
			ob_start(
				static function ( $buffer ) use ( &$sent ) {
					$sent += strlen( $buffer );
					return '';
				},
				65536
			);
			$before = memory_get_usage();
			memory_reset_peak_usage();
			$export->respond();
			$peak = memory_get_peak_usage() - $before;
			ob_end_clean();
			unlink( $source );
			$what = $chunked ? 'chunked' : 'plain';
			$this->assertSame( 3 + 512 * 64 * 1024, $sent, $what );
			$this->assertLessThan( 2 * 1024 * 1024, $peak, $what . ': peak grew by ' . $peak . ' bytes' );
		}
	}

	public function test_odd_bridge_headers_are_replaced() {
		$GLOBALS['test_responses'][] = array(
			'response' => array( 'code' => 200 ),
			'headers'  => array(
				'content-type'        => "text/html\r\nX-Evil: 1",
				'content-disposition' => 'inline; filename="../../x.php"',
			),
			'body'     => 'PK',
		);
		list( $out, $died ) = $this->run_export( str_replace( 'format=csv', 'format=xlsx', $this->body() ) );
		$this->assertNull( $died );
		$this->assertSame( 'PK', $out );
		$this->assertContains( 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', $this->headers );
		$this->assertMatchesRegularExpression( '/^Content-Disposition: attachment; filename="customers-\d{4}-\d{2}-\d{2}\.xlsx"$/', $this->headers[1] );
	}

	public function test_bad_nonce_is_refused_before_the_bridge() {
		list( $out, $died ) = $this->run_export( str_replace( 'export-nonce', 'valid-nonce', $this->body() ) );
		$this->assertInstanceOf( Test_WP_Die::class, $died );
		$this->assertSame( 403, $died->args['response'] );
		$this->assertStringContainsString( 'expired', $died->getMessage() );
		$this->assertSame( '', $out );
		$this->assertEmpty( $GLOBALS['test_http'] );
	}

	public function test_without_the_capability_nothing_is_asked() {
		$GLOBALS['test_caps'] = array( 'read' );
		list( , $died ) = $this->run_export( $this->body() );
		$this->assertSame( 403, $died->args['response'] );
		$this->assertStringContainsString( 'not allowed to export', $died->getMessage() );
		$this->assertEmpty( $GLOBALS['test_http'] );
	}

	public function test_the_export_filter_may_refuse_a_table() {
		$seen = array();
		add_filter(
			'wp_customer_enable_export',
			function ( $enabled, $table, $user_id ) use ( &$seen ) {
				$seen[] = array( $enabled, $table, $user_id );
				return false;
			},
			10,
			3
		);
		list( , $died ) = $this->run_export( $this->body() );
		$this->assertSame( array( array( true, 'customers', 7 ) ), $seen, 'on by default without the WP Customer plugin' );
		$this->assertSame( 403, $died->args['response'] );
		$this->assertEmpty( $GLOBALS['test_http'] );
	}

	public function test_unknown_table_or_format_is_refused() {
		foreach ( array( 'table=customers' => 'table=wp_users', 'format=csv' => 'format=pdf' ) as $from => $to ) {
			list( , $died ) = $this->run_export( str_replace( $from, $to, $this->body() ) );
			$this->assertSame( 400, $died->args['response'], $to );
		}
		$this->assertEmpty( $GLOBALS['test_http'] );
	}

	public function test_a_bridge_refusal_is_a_readable_page() {
		$this->answer(
			400,
			array(
				'code'    => 'wpbridge_export_too_large',
				'message' => 'The export would hold 120000 rows, more than the 100000 this bridge exports at once (BRIDGE_EXPORT_MAX_ROWS); narrow the search first.',
				'data'    => array( 'status' => 400 ),
			)
		);
		list( $out, $died ) = $this->run_export( $this->body() );
		$this->assertSame( '', $out, 'no file' );
		$this->assertSame( 400, $died->args['response'] );
		$this->assertStringContainsString( 'narrow the search first', $died->getMessage() );
		$this->assertEmpty( $this->headers );
		$this->assertFileDoesNotExist( $this->last_request()['args']['filename'] );
	}

	public function test_an_unreachable_bridge_is_a_readable_page() {
		$GLOBALS['test_caps'][] = 'manage_options';
		list( $out, $died ) = $this->run_export( $this->body() );
		$this->assertSame( '', $out );
		$this->assertSame( 502, $died->args['response'] );
		$this->assertStringContainsString( 'cannot be reached', $died->getMessage() );
	}
}
