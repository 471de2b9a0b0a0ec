<?php
/**
 * Forwarding: what the client sends (signed as the current user, raw body byte for byte,
 * wp_remote_request with the timeout from settings) and how it explains failures.
 */
class ClientTest extends Shim_TestCase {

	/**
	 * Check a recorded request's signature the way the bridge does: over the path and query it receives.
	 */
	private function assert_signed_for( array $request, $user ) {
		$parts  = parse_url( $request['url'] );
		$target = $parts['path'] . ( isset( $parts['query'] ) ? '?' . $parts['query'] : '' );
		$signer = new WP_Customer_Bridge_Signer( self::SECRET );
		$body   = isset( $request['args']['body'] ) ? $request['args']['body'] : '';
		$this->assertSame( $user, $signer->verify( $request['args']['method'], $target, $request['args']['headers'], $body ) );
	}

	public function test_post_forwards_the_raw_body_signed_as_the_current_user() {
		$this->answer( 200, array( 'draw' => 2, 'recordsTotal' => 1, 'recordsFiltered' => 1, 'data' => array() ) );
		$body     = 'draw=2&columns%5B0%5D%5Bdata%5D=code&search%5Bvalue%5D=PT%20Maju%20%26%20Jaya&x=%27quote%27';
		$response = $this->client()->request( 'POST', '/datatables/customers', '', $body, 'application/x-www-form-urlencoded; charset=UTF-8' );

		$this->assertTrue( $response->is_ok() );
		$this->assertSame( 2, $response->data['draw'] );
		$request = $this->last_request();
		$this->assertSame( 'http://127.0.0.1:9/wp-json/wp-customer/v1/datatables/customers', $request['url'] );
		$this->assertSame( 'POST', $request['args']['method'] );
		$this->assertSame( $body, $request['args']['body'] );
		$this->assertSame( 3.0, $request['args']['timeout'] );
		$this->assertSame( 0, $request['args']['redirection'] );
		$this->assertSame( 'application/x-www-form-urlencoded; charset=UTF-8', $request['args']['headers']['Content-Type'] );
		$this->assertSame( '7', $request['args']['headers']['X-WP-Bridge-User'] );
		$this->assert_signed_for( $request, 7 );
	}

	public function test_get_signs_the_raw_query_and_a_base_path() {
		$this->answer( 200, array( 'ok' => true ) );
		$query = 'draw=1&columns[0][data]=code&search%5Bvalue%5D=a%2Bb';
		$this->client( 'https://example.test/bridge/' )->request( 'GET', '/datatables/branches', $query, '', '', 0 );
		$request = $this->last_request();
		$this->assertSame( 'https://example.test/bridge/wp-json/wp-customer/v1/datatables/branches?' . $query, $request['url'] );
		$this->assertArrayNotHasKey( 'body', $request['args'] );
		$this->assertSame( '/bridge/wp-json/wp-customer/v1/datatables/branches?' . $query, $this->client( 'https://example.test/bridge' )->path_and_query( '/datatables/branches', $query ) );
		$this->assert_signed_for( $request, 0 );
	}

	public function test_a_large_body_is_not_truncated() {
		$pairs = array();
		for ( $i = 0; $i < 1500; $i++ ) {
			$pairs[] = 'columns%5B' . $i . '%5D%5Bdata%5D=c' . $i;
		}
		$body = implode( '&', $pairs );
		$this->answer( 200, array() );
		$this->client()->request( 'POST', '/datatables/customers', '', $body );
		$this->assertSame( $body, $this->last_request()['args']['body'] );
	}

	public function test_unconfigured_makes_no_request() {
		$client   = new WP_Customer_Bridge_Client( new WP_Customer_Bridge_Settings( array( 'url' => 'ftp://x', 'secret' => 'short' ) ) );
		$response = $client->request( 'GET', '/users/me' );
		$this->assertSame( 'wpbridge_not_configured', $response->error_code );
		$this->assertStringContainsString( 'WP_CUSTOMER_BRIDGE_URL', $response->error_message );
		$this->assertStringContainsString( 'WP_CUSTOMER_BRIDGE_SECRET', $response->error_message );
		$this->assertTrue( $response->is_unavailable() );
		$this->assertSame( array(), $GLOBALS['test_http'] );
	}

	public function test_unreachable_and_timeout_are_explained_with_the_url() {
		$response = $this->client()->request( 'GET', '/users/me' );
		$this->assertSame( 'wpbridge_unreachable', $response->error_code );
		$this->assertSame( 0, $response->status );
		$this->assertStringContainsString( 'cannot be reached', $response->error_message );
		$this->assertStringContainsString( 'http://127.0.0.1:9', $response->error_message );

		$GLOBALS['test_responses'][] = new WP_Error( 'http_request_failed', 'cURL error 28: Operation timed out after 3001 milliseconds' );
		$response                    = $this->client()->request( 'GET', '/users/me' );
		$this->assertStringContainsString( 'did not answer within 3 seconds', $response->error_message );
		$this->assertStringContainsString( 'WP_CUSTOMER_BRIDGE_TIMEOUT', $response->error_message );
	}

	public function test_refusals_are_explained() {
		$this->answer( 401, array( 'code' => 'wpbridge_signature_invalid', 'message' => 'The request signature does not match.', 'data' => array( 'status' => 401 ) ) );
		$response = $this->client()->request( 'GET', '/users/me' );
		$this->assertSame( 'wpbridge_signature_invalid', $response->error_code );
		$this->assertSame( 401, $response->status );
		$this->assertStringContainsString( 'BRIDGE_SHARED_SECRET', $response->error_message );
		$this->assertFalse( $response->is_unavailable() );

		$this->answer( 401, array( 'code' => 'wpbridge_signature_expired', 'message' => 'x' ) );
		$this->assertStringContainsString( 'clocks', $this->client()->request( 'GET', '/users/me' )->error_message );

		$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'x' ) );
		$response = $this->client()->request( 'GET', '/users/me' );
		$this->assertTrue( $response->is_unavailable() );
		$this->assertStringContainsString( 'database', $response->error_message );

		$this->answer( 403, array( 'code' => 'rest_forbidden', 'message' => 'Sorry, you are not allowed to do that.' ) );
		$this->assertSame( 'Sorry, you are not allowed to do that.', $this->client()->request( 'GET', '/users/me' )->error_message );
	}

	public function test_a_non_json_answer_is_a_bad_response() {
		$this->answer( 200, '<html>proxy page</html>' );
		$response = $this->client()->request( 'GET', '/users/me' );
		$this->assertSame( 'wpbridge_bad_response', $response->error_code );
		$this->assertStringContainsString( 'cannot read', $response->error_message );
	}

	public function test_non_admins_get_a_generic_message_when_unavailable() {
		$response = $this->client()->request( 'GET', '/users/me' );
		$this->assertStringContainsString( 'temporarily unavailable', WP_Customer_Bridge_Client::message_for_current_user( $response ) );
		$GLOBALS['test_caps'][] = 'manage_options';
		$this->assertStringContainsString( 'http://127.0.0.1:9', WP_Customer_Bridge_Client::message_for_current_user( $response ) );
	}

	public function test_probe_is_unsigned_and_at_the_root() {
		$this->answer( 200, array( 'status' => 'ready' ) );
		$this->assertTrue( $this->client( 'http://127.0.0.1:9/wp-json/wp-customer/v1/' )->probe( '/readyz' )->is_ok() );
		$request = $this->last_request();
		$this->assertSame( 'http://127.0.0.1:9/readyz', $request['url'] );
		$this->assertArrayNotHasKey( 'X-WP-Bridge-Signature', $request['args']['headers'] );
	}

	// ---- X-Request-Id (issue 12): sent with every request, logged with every failure ----

	public function test_every_request_sends_its_own_sane_request_id() {
		$this->answer( 200, array( 'ok' => true ) );
		$this->answer( 200, array( 'ok' => true ) );
		$this->client()->request( 'GET', '/users/me' );
		$first = $this->last_request()['args']['headers']['X-Request-Id'];
		$this->client()->request( 'POST', '/datatables/customers', '', 'draw=1' );
		$second = $this->last_request()['args']['headers']['X-Request-Id'];
		foreach ( array( $first, $second ) as $id ) {
			$this->assertMatchesRegularExpression( '/^[A-Za-z0-9._-]{1,128}$/', $id, 'the bridge keeps only such ids' );
		}
		$this->assertNotSame( $first, $second );
		$this->assert_signed_for( $this->last_request(), 7 ); // an extra header leaves the signature valid

		$this->answer( 200, array( 'status' => 'ready' ) );
		$this->client()->probe( '/readyz' );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9._-]{1,128}$/', $this->last_request()['args']['headers']['X-Request-Id'] );
	}

	public function test_without_wp_debug_log_a_failure_is_not_logged() {
		$this->assertFalse( defined( 'WP_DEBUG_LOG' ), 'only the separate-process test below defines it' );
		$log      = tempnam( sys_get_temp_dir(), 'shimlog' );
		$previous = ini_set( 'error_log', $log );
		try {
			$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'x' ) );
			$this->client()->request( 'GET', '/users/me' );
			$this->assertSame( '', file_get_contents( $log ) );
		} finally {
			ini_set( 'error_log', $previous );
			unlink( $log );
		}
	}

	/**
	 * WP_DEBUG_LOG is a constant: defined here, in a process of its own, so the other tests run without it.
	 *
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_with_wp_debug_log_every_failure_is_logged_with_its_request_id() {
		define( 'WP_DEBUG_LOG', true );
		$log = tempnam( sys_get_temp_dir(), 'shimlog' );
		ini_set( 'error_log', $log );
		$logged = function () use ( $log ) {
			$text = file_get_contents( $log );
			file_put_contents( $log, '' );
			return $text;
		};
		$sent = function () {
			return $this->last_request()['args']['headers']['X-Request-Id'];
		};

		$this->answer( 200, array( 'id' => 7 ) );
		$this->client()->request( 'GET', '/users/me' );
		$this->assertSame( '', $logged(), 'a success is not logged' );

		$this->answer( 503, array( 'code' => 'wpbridge_database_unavailable', 'message' => 'x', 'data' => array( 'status' => 503 ) ) );
		$this->client()->request( 'GET', '/customers/3' );
		$line = $logged();
		$this->assertStringContainsString( 'GET /customers/3 failed (HTTP 503, request id ' . $sent() . ')', $line );
		$this->assertStringContainsString( 'wpbridge_database_unavailable', $line );

		$this->answer( 200, array( 'draw' => 2, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array(), 'error' => 'The database does not answer.' ) );
		$this->client()->request( 'POST', '/datatables/customers', '', 'draw=2' );
		$line = $logged();
		$this->assertStringContainsString( 'POST /datatables/customers failed (HTTP 200, request id ' . $sent() . ')', $line );
		$this->assertStringContainsString( 'datatables_error: The database does not answer.', $line );

		$this->client()->request( 'GET', '/users/me' ); // nothing queued: the bridge cannot be reached
		$line = $logged();
		$this->assertStringContainsString( 'request id ' . $sent(), $line );
		$this->assertStringContainsString( 'wpbridge_unreachable', $line );
		unlink( $log );
	}
}
