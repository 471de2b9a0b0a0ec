<?php
/**
 * The shim's own "Customers" screen, for sites without the WP Customer plugin.
 *
 * A server-side DataTable of customers (through the shim's handle_customer_datatable), and for
 * the customer picked, its statistics, branches and employees — all through the same admin-ajax
 * actions and nonce the plugin's screens use. DataTables comes with the zip (fetched from npm
 * when it is built); jQuery is WordPress's. Since 0.2.0 the customers table has SearchPanes
 * (status, province, regency; the SearchPanes and Select extensions come with the zip too) and
 * Export buttons (WP_Customer_Bridge_Export).
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Admin page "Customers".
 */
class WP_Customer_Bridge_Screen {

	const PAGE       = 'wp-customer-bridge';
	const CAPABILITY = 'view_customer_list';
	const VENDOR_JS  = 'assets/vendor/datatables/dataTables.min.js';
	const VENDOR_CSS = 'assets/vendor/datatables/dataTables.dataTables.min.css';

	/**
	 * The SearchPanes and Select extensions (vendored like DataTables): handle → [file, version constant].
	 *
	 * @since 0.2.0
	 */
	const EXTENSION_JS = array(
		'wp-customer-bridge-dt-select'     => array( 'assets/vendor/datatables/dataTables.select.min.js', 'WP_CUSTOMER_BRIDGE_SELECT_VERSION' ),
		'wp-customer-bridge-dt-searchpanes' => array( 'assets/vendor/datatables/dataTables.searchPanes.min.js', 'WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION' ),
		'wp-customer-bridge-dt-searchpanes-style' => array( 'assets/vendor/datatables/searchPanes.dataTables.min.js', 'WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION' ),
	);

	/**
	 * Their stylesheets: handle → [file, version constant].
	 *
	 * @since 0.2.0
	 */
	const EXTENSION_CSS = array(
		'wp-customer-bridge-dt-select'      => array( 'assets/vendor/datatables/select.dataTables.min.css', 'WP_CUSTOMER_BRIDGE_SELECT_VERSION' ),
		'wp-customer-bridge-dt-searchpanes' => array( 'assets/vendor/datatables/searchPanes.dataTables.min.css', 'WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION' ),
	);

	/**
	 * Settings.
	 *
	 * @var WP_Customer_Bridge_Settings
	 */
	private $settings;

	/**
	 * Page hook suffix.
	 *
	 * @var string
	 */
	private $hook = '';

	/**
	 * Constructor.
	 *
	 * @param WP_Customer_Bridge_Settings $settings Settings.
	 */
	public function __construct( WP_Customer_Bridge_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Hook in.
	 *
	 * @return void
	 */
	public function register() {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * Add the top-level "Customers" page.
	 *
	 * @return void
	 */
	public function add_page() {
		$this->hook = (string) add_menu_page(
			__( 'Customers', 'wp-customer-bridge' ),
			__( 'Customers', 'wp-customer-bridge' ),
			self::CAPABILITY,
			self::PAGE,
			array( $this, 'render' ),
			'dashicons-groups',
			30
		);
	}

	/**
	 * Whether the bundled DataTables files are there (they are added when the zip is built).
	 *
	 * @return bool
	 */
	public static function vendor_present() {
		$files = array( self::VENDOR_JS, self::VENDOR_CSS );
		foreach ( array_merge( self::EXTENSION_JS, self::EXTENSION_CSS ) as $spec ) {
			$files[] = $spec[0];
		}
		foreach ( $files as $file ) {
			if ( ! file_exists( WP_CUSTOMER_BRIDGE_DIR . $file ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Scripts and styles, on this page only.
	 *
	 * @param string $hook Current admin page hook.
	 * @return void
	 */
	public function enqueue( $hook ) {
		if ( '' === $this->hook || $hook !== $this->hook || ! self::vendor_present() ) {
			return;
		}
		$url = plugins_url( '', WP_CUSTOMER_BRIDGE_FILE ) . '/';
		wp_enqueue_style( 'wp-customer-bridge-datatables', $url . self::VENDOR_CSS, array(), WP_CUSTOMER_BRIDGE_DATATABLES_VERSION );
		$styles = array( 'wp-customer-bridge-datatables' );
		foreach ( self::EXTENSION_CSS as $handle => $spec ) {
			wp_enqueue_style( $handle, $url . $spec[0], array( 'wp-customer-bridge-datatables' ), constant( $spec[1] ) );
			$styles[] = $handle;
		}
		wp_enqueue_style( 'wp-customer-bridge-screen', $url . 'assets/css/customers-screen.css', $styles, WP_CUSTOMER_BRIDGE_VERSION );
		wp_enqueue_script( 'wp-customer-bridge-datatables', $url . self::VENDOR_JS, array( 'jquery' ), WP_CUSTOMER_BRIDGE_DATATABLES_VERSION, true );
		$scripts = array( 'jquery', 'wp-customer-bridge-datatables' );
		foreach ( self::EXTENSION_JS as $handle => $spec ) {
			wp_enqueue_script( $handle, $url . $spec[0], $scripts, constant( $spec[1] ), true );
			$scripts[] = $handle; // each after the ones before it: Select, SearchPanes, its styling.
		}
		if ( WP_Customer_Bridge_Export::enabled( 'customers' ) ) {
			WP_Customer_Bridge_Export::enqueue_script( false );
			$scripts[] = WP_Customer_Bridge_Export::SCRIPT;
		}
		wp_enqueue_script( 'wp-customer-bridge-screen', $url . 'assets/js/customers-screen.js', $scripts, WP_CUSTOMER_BRIDGE_VERSION, true );
		wp_localize_script(
			'wp-customer-bridge-screen',
			'wpCustomerData',
			array(
				'ajaxUrl' => admin_url( 'admin-ajax.php' ),
				'nonce'   => wp_create_nonce( WP_Customer_Bridge_Ajax::NONCE_ACTION ),
				'perPage' => 10,
				'i18n'    => array(
					'status'    => __( 'Status', 'wp-customer-bridge' ),
					'province'  => __( 'Province', 'wp-customer-bridge' ),
					'regency'   => __( 'Regency', 'wp-customer-bridge' ),
					'branches'  => __( 'Branches', 'wp-customer-bridge' ),
					'employees' => __( 'Employees', 'wp-customer-bridge' ),
					'error'     => __( 'Customer data could not be loaded:', 'wp-customer-bridge' ),
					'customers' => __( 'customers', 'wp-customer-bridge' ),
				),
			)
		);
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
		?>
		<div class="wrap wp-customer-bridge-screen">
			<h1 class="wp-heading-inline"><?php esc_html_e( 'Customers', 'wp-customer-bridge' ); ?></h1>
			<?php if ( ! $this->settings->is_configured() ) : ?>
				<div class="notice notice-warning inline"><p>
					<?php
					echo esc_html(
						sprintf(
							/* translators: %s: what is missing */
							__( 'The customer data service is not configured: %s.', 'wp-customer-bridge' ),
							implode( '; ', $this->settings->problems() )
						)
					);
					?>
				</p></div>
			<?php elseif ( ! self::vendor_present() ) : ?>
				<div class="notice notice-error inline"><p><?php esc_html_e( 'The DataTables files are missing from this copy of WP Customer Bridge. Install the plugin from its zip (built with "make shim-zip"), which includes them.', 'wp-customer-bridge' ); ?></p></div>
			<?php else : ?>
				<div id="wp-customer-bridge-error" class="notice notice-error inline" hidden><p></p></div>
				<?php if ( WP_Customer_Bridge_Export::enabled( 'customers' ) ) : ?>
					<p class="wp-customer-bridge-export" role="group" aria-label="<?php esc_attr_e( 'Export', 'wp-customer-bridge' ); ?>">
						<?php esc_html_e( 'Export what the table shows:', 'wp-customer-bridge' ); ?>
						<button type="button" class="button wp-customer-bridge-export-button" data-format="csv"><?php esc_html_e( 'CSV', 'wp-customer-bridge' ); ?></button>
						<button type="button" class="button wp-customer-bridge-export-button" data-format="xlsx"><?php esc_html_e( 'Excel', 'wp-customer-bridge' ); ?></button>
					</p>
				<?php endif; ?>
				<table id="customers-table" class="display wp-list-table widefat striped" style="width:100%">
					<thead>
						<tr>
							<th><?php esc_html_e( 'Code', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Name', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Owner', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Branches', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Actions', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Status', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Province', 'wp-customer-bridge' ); ?></th>
							<th><?php esc_html_e( 'Regency', 'wp-customer-bridge' ); ?></th>
						</tr>
					</thead>
					<tbody></tbody>
				</table>

				<div id="customer-detail" class="wp-customer-bridge-detail" hidden>
					<h2 id="customer-detail-title"></h2>
					<p id="customer-stats" class="description"></p>
					<h3><?php esc_html_e( 'Branches', 'wp-customer-bridge' ); ?></h3>
					<table id="branches-table" class="display wp-list-table widefat striped" style="width:100%">
						<thead>
							<tr>
								<th><?php esc_html_e( 'Code', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Name', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Admin', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Type', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Actions', 'wp-customer-bridge' ); ?></th>
							</tr>
						</thead>
						<tbody></tbody>
					</table>
					<h3><?php esc_html_e( 'Employees', 'wp-customer-bridge' ); ?></h3>
					<table id="employees-table" class="display wp-list-table widefat striped" style="width:100%">
						<thead>
							<tr>
								<th><?php esc_html_e( 'Name', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Department', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Branch', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Status', 'wp-customer-bridge' ); ?></th>
								<th><?php esc_html_e( 'Actions', 'wp-customer-bridge' ); ?></th>
							</tr>
						</thead>
						<tbody></tbody>
					</table>
				</div>
			<?php endif; ?>
		</div>
		<?php
	}
}
