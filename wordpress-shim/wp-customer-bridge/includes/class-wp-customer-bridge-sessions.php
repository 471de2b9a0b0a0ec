<?php
/**
 * Tell the bridge at once when a user's sessions, password or row change.
 *
 * A bridge worker remembers the login cookies it checked for up to BRIDGE_COOKIE_SESSION_RECHECK_S
 * seconds (the browser fast path then skips a statement per draw). A logout must still end the
 * cookie on the bridge's very next request, so the hooks that see the change post
 * /cache/invalidate {"entity": "session"} synchronously, inside the hook, before WordPress
 * answers: not at shutdown as WP_Customer_Bridge_Invalidator does, since the browser may send its
 * next request as soon as the logout's answer arrives. A bridge that cannot be reached costs at
 * most TIMEOUT seconds and is never an error here; the bridge's own recheck bounds how long it
 * keeps trusting the cookie then.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Posts {"entity": "session"} when session_tokens or a user changes.
 *
 * @since 0.2.0
 */
class WP_Customer_Bridge_Sessions {

	/**
	 * The user meta WP_User_Meta_Session_Tokens keeps sessions in.
	 */
	const META_KEY = 'session_tokens';

	/**
	 * Seconds one push may take: a logout waits for it.
	 */
	const TIMEOUT = 2;

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Client $client Bridge client.
	 */
	public function __construct( WP_Customer_Bridge_Client $client ) {
		$this->client = $client;
	}

	/**
	 * Hook in.
	 *
	 * A login, a logout, "log out everywhere" and WP_Session_Tokens::destroy_all_for_all_users()
	 * all write session_tokens (added/updated/deleted_user_meta, after the write). WordPress 6.1's
	 * wp_set_password() (a password reset, WP-CLI, other plugins) fires no action of its own: it,
	 * wp_insert_user()/wp_update_user() (a new password from the profile screen) and
	 * wp_delete_user() all call clean_user_cache() after writing the user's row.
	 *
	 * @return void
	 */
	public function register() {
		foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta' ) as $action ) {
			add_action( $action, array( $this, 'meta_changed' ), 10, 3 );
		}
		add_action( 'clean_user_cache', array( $this, 'push' ), 10, 1 );
	}

	/**
	 * Listener of the user meta actions: only session_tokens matters.
	 *
	 * @param int|int[] $meta_ids  Meta id(s).
	 * @param int       $user_id   User id (0 when every user's sessions went).
	 * @param string    $meta_key  Meta key.
	 * @return void
	 */
	public function meta_changed( $meta_ids, $user_id, $meta_key ) {
		if ( self::META_KEY === $meta_key ) {
			$this->push( $user_id );
		}
	}

	/**
	 * Tell the bridge now; a failure is only logged (with WP_DEBUG_LOG, by the client).
	 *
	 * @param mixed $user_id The user whose sessions or row changed (informative: the bridge forgets every cookie check).
	 * @return void
	 */
	public function push( $user_id = 0 ) {
		if ( ! $this->client->settings()->is_configured() ) {
			return;
		}
		$body = array( 'entity' => 'session' );
		if ( is_numeric( $user_id ) && (int) $user_id > 0 ) {
			$body['id'] = (int) $user_id;
		}
		$this->client->request( 'POST', '/cache/invalidate', '', (string) wp_json_encode( $body ), 'application/json', null, self::TIMEOUT );
	}
}
