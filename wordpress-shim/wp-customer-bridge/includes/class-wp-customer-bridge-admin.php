<?php
/**
 * Settings → Customer Bridge: URL, secret, timeout, and a "Test connection" button.
 *
 * Constants in wp-config.php win over what is saved here; their fields are shown read-only.
 * The secret is never printed back into the page.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * The options page and its test-connection action.
 */
class WP_Customer_Bridge_Admin {

	const PAGE        = 'wp-customer-bridge-settings';
	const GROUP       = 'wp_customer_bridge';
	const TEST_ACTION = 'wp_customer_bridge_test';
	const CAPABILITY  = 'manage_options';

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
	 * @return void
	 */
	public function register() {
		add_action( 'admin_init', array( $this, 'register_setting' ) );
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_post_' . self::TEST_ACTION, array( $this, 'handle_test' ) );
		add_action( 'admin_notices', array( $this, 'notice_unconfigured' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( WP_CUSTOMER_BRIDGE_FILE ), array( $this, 'action_links' ) );
	}

	/**
	 * Register the option with its sanitiser.
	 *
	 * @return void
	 */
	public function register_setting() {
		register_setting(
			self::GROUP,
			WP_Customer_Bridge_Settings::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( $this, 'sanitize' ),
				'default'           => array(),
			)
		);
	}

	/**
	 * Sanitise submitted settings; an empty secret keeps the saved one.
	 *
	 * @param mixed $input Submitted values.
	 * @return array
	 */
	public function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$saved = get_option( WP_Customer_Bridge_Settings::OPTION, array() );
		$saved = is_array( $saved ) ? $saved : array();
		$clean = array(
			'url'     => isset( $input['url'] ) ? WP_Customer_Bridge_Settings::normalise_url( esc_url_raw( trim( (string) $input['url'] ), array( 'http', 'https' ) ) ) : '',
			'secret'  => isset( $saved['secret'] ) ? (string) $saved['secret'] : '',
			'timeout' => isset( $input['timeout'] ) ? WP_Customer_Bridge_Settings::normalise_timeout( $input['timeout'] ) : WP_Customer_Bridge_Settings::DEFAULT_TIMEOUT,
		);
		if ( isset( $input['url'] ) && '' !== trim( (string) $input['url'] ) && '' === $clean['url'] ) {
			add_settings_error( WP_Customer_Bridge_Settings::OPTION, 'url', __( 'The bridge URL must be an http:// or https:// address, like http://127.0.0.1:8080.', 'wp-customer-bridge' ) );
		}
		$secret = isset( $input['secret'] ) ? trim( sanitize_text_field( (string) $input['secret'] ) ) : '';
		if ( '' !== $secret ) {
			if ( strlen( $secret ) < 16 ) {
				add_settings_error( WP_Customer_Bridge_Settings::OPTION, 'secret', __( 'The shared secret must be at least 16 characters; the old one was kept.', 'wp-customer-bridge' ) );
			} else {
				$clean['secret'] = $secret;
			}
		}
		return $clean;
	}

	/**
	 * Add Settings → Customer Bridge.
	 *
	 * @return void
	 */
	public function add_page() {
		add_options_page(
			__( 'Customer Bridge', 'wp-customer-bridge' ),
			__( 'Customer Bridge', 'wp-customer-bridge' ),
			self::CAPABILITY,
			self::PAGE,
			array( $this, 'render' )
		);
	}

	/**
	 * A "Settings" link on the Plugins screen.
	 *
	 * @param array $links Existing links.
	 * @return array
	 */
	public function action_links( $links ) {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'wp-customer-bridge' ) . '</a>' );
		return $links;
	}

	/**
	 * Tell administrators that the shim has nothing to talk to yet.
	 *
	 * @return void
	 */
	public function notice_unconfigured() {
		if ( ! current_user_can( self::CAPABILITY ) || $this->client->settings()->is_configured() ) {
			return;
		}
		printf(
			'<div class="notice notice-warning"><p>%1$s <a href="%2$s">%3$s</a></p></div>',
			esc_html( sprintf( /* translators: %s: what is missing */ __( 'WP Customer Bridge is not configured yet: %s.', 'wp-customer-bridge' ), implode( '; ', $this->client->settings()->problems() ) ) ),
			esc_url( admin_url( 'options-general.php?page=' . self::PAGE ) ),
			esc_html__( 'Open the settings', 'wp-customer-bridge' )
		);
	}

	/**
	 * Run the connection test: /readyz, then a signed /users/me that must name the current user.
	 *
	 * @return array<int, array{ok: bool, label: string, detail: string}>
	 */
	public function run_test() {
		$results = array();
		$ready   = $this->client->probe( '/readyz' );
		$results[] = array(
			'ok'     => $ready->is_ok(),
			'label'  => __( 'Bridge reachable and its database ready (GET /readyz)', 'wp-customer-bridge' ),
			'detail' => $ready->is_ok() ? __( 'OK', 'wp-customer-bridge' ) : $ready->error_message,
		);
		$me     = $this->client->request( 'GET', '/users/me' );
		$user   = get_current_user_id();
		$same   = $me->is_ok() && is_array( $me->data ) && isset( $me->data['id'] ) && (int) $me->data['id'] === $user;
		$detail = $me->error_message;
		if ( $me->is_ok() ) {
			$detail = $same
				/* translators: 1: user id, 2: login */
				? sprintf( __( 'OK: the bridge sees you as user %1$d (%2$s).', 'wp-customer-bridge' ), $user, isset( $me->data['login'] ) ? (string) $me->data['login'] : '' )
				/* translators: %d: user id */
				: sprintf( __( 'The bridge answered for a different user than you (%d): check that it reads this site\'s database and table prefix.', 'wp-customer-bridge' ), $user );
		}
		$results[] = array(
			'ok'     => $same,
			'label'  => __( 'Signed request accepted (GET /wp-json/wp-customer/v1/users/me)', 'wp-customer-bridge' ),
			'detail' => $detail,
		);
		return $results;
	}

	/**
	 * admin-post handler of the "Test connection" button.
	 *
	 * @return void
	 */
	public function handle_test() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'wp-customer-bridge' ), 403 );
		}
		check_admin_referer( self::TEST_ACTION );
		set_transient( self::TEST_ACTION . '_' . get_current_user_id(), $this->run_test(), 120 );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::PAGE . '&tested=1' ) );
		exit;
	}

	/**
	 * Render the page.
	 *
	 * @return void
	 */
	public function render() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$settings = $this->client->settings();
		$saved    = get_option( WP_Customer_Bridge_Settings::OPTION, array() );
		$saved    = is_array( $saved ) ? $saved : array();
		$results  = get_transient( self::TEST_ACTION . '_' . get_current_user_id() );
		if ( false !== $results ) {
			delete_transient( self::TEST_ACTION . '_' . get_current_user_id() );
		}
		$name = WP_Customer_Bridge_Settings::OPTION;
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'Customer Bridge', 'wp-customer-bridge' ); ?></h1>
			<p><?php esc_html_e( 'WP Customer Bridge serves the customer, branch and employee tables of WP Customer from a separate, faster service. WordPress still signs users in; this plugin forwards their requests to the bridge, signed with a secret you share with it.', 'wp-customer-bridge' ); ?></p>

			<?php if ( is_array( $results ) ) : ?>
				<?php foreach ( $results as $result ) : ?>
					<div class="notice <?php echo esc_attr( $result['ok'] ? 'notice-success' : 'notice-error' ); ?> inline wp-customer-bridge-test-result">
						<p><strong><?php echo esc_html( $result['label'] ); ?>:</strong> <?php echo esc_html( $result['detail'] ); ?></p>
					</div>
				<?php endforeach; ?>
			<?php endif; ?>

			<form method="post" action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>">
				<?php settings_fields( self::GROUP ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="wp-customer-bridge-url"><?php esc_html_e( 'Bridge URL', 'wp-customer-bridge' ); ?></label></th>
						<td>
							<?php if ( WP_Customer_Bridge_Settings::from_constant( 'url' ) ) : ?>
								<code><?php echo esc_html( $settings->url() ); ?></code>
								<p class="description"><?php esc_html_e( 'Set by WP_CUSTOMER_BRIDGE_URL in wp-config.php.', 'wp-customer-bridge' ); ?></p>
							<?php else : ?>
								<input type="url" class="regular-text code" id="wp-customer-bridge-url" name="<?php echo esc_attr( $name ); ?>[url]" value="<?php echo esc_attr( isset( $saved['url'] ) ? $saved['url'] : '' ); ?>" placeholder="http://127.0.0.1:8080">
								<p class="description"><?php esc_html_e( 'Where the bridge listens, without /wp-json.', 'wp-customer-bridge' ); ?></p>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="wp-customer-bridge-secret"><?php esc_html_e( 'Shared secret', 'wp-customer-bridge' ); ?></label></th>
						<td>
							<?php if ( WP_Customer_Bridge_Settings::from_constant( 'secret' ) ) : ?>
								<p class="description"><?php esc_html_e( 'Set by WP_CUSTOMER_BRIDGE_SECRET in wp-config.php.', 'wp-customer-bridge' ); ?></p>
							<?php else : ?>
								<input type="password" class="regular-text code" id="wp-customer-bridge-secret" name="<?php echo esc_attr( $name ); ?>[secret]" value="" autocomplete="new-password" placeholder="<?php echo esc_attr( '' !== $settings->secret() ? __( '(saved; leave empty to keep)', 'wp-customer-bridge' ) : '' ); ?>">
								<p class="description"><?php esc_html_e( 'The bridge\'s BRIDGE_SHARED_SECRET, at least 16 characters.', 'wp-customer-bridge' ); ?></p>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="wp-customer-bridge-timeout"><?php esc_html_e( 'Timeout (seconds)', 'wp-customer-bridge' ); ?></label></th>
						<td>
							<?php if ( WP_Customer_Bridge_Settings::from_constant( 'timeout' ) ) : ?>
								<code><?php echo esc_html( $settings->timeout() ); ?></code>
								<p class="description"><?php esc_html_e( 'Set by WP_CUSTOMER_BRIDGE_TIMEOUT in wp-config.php.', 'wp-customer-bridge' ); ?></p>
							<?php else : ?>
								<input type="number" step="0.5" min="0.5" max="60" id="wp-customer-bridge-timeout" name="<?php echo esc_attr( $name ); ?>[timeout]" value="<?php echo esc_attr( $settings->timeout() ); ?>">
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Events URL', 'wp-customer-bridge' ); ?></th>
						<td>
							<code><?php echo esc_html( rest_url( WP_Customer_Bridge_Events::REST_NAMESPACE . WP_Customer_Bridge_Events::ROUTE ) ); ?></code>
							<p class="description"><?php esc_html_e( 'Give this address to the bridge as BRIDGE_EVENTS_URL so that WordPress hears about the changes it makes.', 'wp-customer-bridge' ); ?></p>
						</td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>

			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="<?php echo esc_attr( self::TEST_ACTION ); ?>">
				<?php wp_nonce_field( self::TEST_ACTION ); ?>
				<?php submit_button( __( 'Test connection', 'wp-customer-bridge' ), 'secondary', 'wp-customer-bridge-test', false ); ?>
			</form>
		</div>
		<?php
	}
}
