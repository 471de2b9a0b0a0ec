<?php
/**
 * The PHP signer against the shared vectors (tests/vectors/signature.json), which the Python
 * bridge is tested against too: both sides must produce the same bytes.
 */
class SignerTest extends Shim_TestCase {

	public function vectors() {
		$file = json_decode( file_get_contents( dirname( __DIR__ ) . '/vectors/signature.json' ), true );
		$out  = array();
		foreach ( $file['vectors'] as $vector ) {
			$out[ $vector['name'] ] = array( $vector );
		}
		return $out;
	}

	/**
	 * @dataProvider vectors
	 */
	public function test_string_to_sign_and_signature_match_the_vectors( array $v ) {
		$access = isset( $v['access'] ) ? $v['access'] : '';
		$this->assertSame( $v['string_to_sign'], WP_Customer_Bridge_Signer::string_to_sign( $v['method'], $v['path_and_query'], $v['timestamp'], $v['nonce'], $v['user'], $v['body'], $access ) );
		$signer = new WP_Customer_Bridge_Signer( $v['secret'] );
		$this->assertSame( $v['signature'], $signer->sign( $v['method'], $v['path_and_query'], $v['timestamp'], $v['nonce'], $v['user'], $v['body'], $access ) );
	}

	/**
	 * @dataProvider vectors
	 */
	public function test_headers_carry_the_vector_signature_and_verify( array $v ) {
		$access   = isset( $v['access'] ) ? $v['access'] : '';
		$signer   = new WP_Customer_Bridge_Signer( $v['secret'] );
		$headers  = $signer->headers( $v['method'], $v['path_and_query'], $v['user'], $v['body'], $v['timestamp'], $v['nonce'], $access );
		$expected = array(
			'X-WP-Bridge-User'      => (string) $v['user'],
			'X-WP-Bridge-Timestamp' => (string) $v['timestamp'],
			'X-WP-Bridge-Nonce'     => $v['nonce'],
			'X-WP-Bridge-Signature' => $v['signature'],
		);
		if ( '' !== $access ) {
			$expected['X-WP-Bridge-Access'] = $access;
		}
		$this->assertSame( $expected, $headers );
		$this->assertSame( $v['user'], $signer->verify( $v['method'], $v['path_and_query'], $headers, $v['body'], $v['timestamp'] + 10 ) );
	}

	public function test_fresh_nonces_are_valid_and_distinct() {
		$a = WP_Customer_Bridge_Signer::new_nonce();
		$b = WP_Customer_Bridge_Signer::new_nonce();
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{16,128}$/', $a );
		$this->assertNotSame( $a, $b );
	}

	public function test_verify_refuses_tampering_skew_and_bad_headers() {
		$signer  = new WP_Customer_Bridge_Signer( self::SECRET );
		$now     = 1718000000;
		$headers = $signer->headers( 'POST', '/wp-json/wp-customer-bridge/v1/events', 3, '{"a":1}', $now, 'abcdefghijklmnop' );
		$this->assertSame( 3, $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now ) );
		// Header names in any case, as servers deliver them.
		$this->assertSame( 3, $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', array_change_key_case( $headers, CASE_LOWER ), '{"a":1}', $now ) );
		$this->assertSame( 'invalid', $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":2}', $now ) );
		$this->assertSame( 'invalid', $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events?x=1', $headers, '{"a":1}', $now ) );
		$this->assertSame( 'invalid', $signer->verify( 'GET', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now ) );
		$this->assertSame( 'invalid', ( new WP_Customer_Bridge_Signer( 'another-secret-0123456789' ) )->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now ) );
		$this->assertSame( 'expired', $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now + 301 ) );
		$this->assertSame( 'expired', $signer->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now - 301 ) );

		$missing = $headers;
		unset( $missing['X-WP-Bridge-Nonce'] );
		$this->assertSame( 'missing', $signer->verify( 'POST', '/x', $missing, '', $now ) );
		$short                      = $headers;
		$short['X-WP-Bridge-Nonce'] = 'short';
		$this->assertSame( 'malformed', $signer->verify( 'POST', '/x', $short, '', $now ) );
		$user                      = $headers;
		$user['X-WP-Bridge-User'] = '-1';
		$this->assertSame( 'malformed', $signer->verify( 'POST', '/x', $user, '', $now ) );
		$this->assertSame( 'invalid', ( new WP_Customer_Bridge_Signer( '' ) )->verify( 'POST', '/wp-json/wp-customer-bridge/v1/events', $headers, '{"a":1}', $now ) );
	}
}
