<?php
/**
 * WP Agency integration: the agency list's access filter and the agency info tab's statistics
 * (rendered here, or left to the browser's fast path: fast-path-agency-tab.js).
 *
 * Replaces what the WP Customer plugin does there with the bridge's
 * answers: the plugin's own callbacks on those two hooks are detached so nothing is shown or
 * filtered twice.
 *
 * @package WP_Customer_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Filter wpapp_datatable_agencies_where; render on wpapp_tab_view_content (priority 20).
 */
class WP_Customer_Bridge_Agency {

	const WHERE_HOOK = 'wpapp_datatable_agencies_where';

	/**
	 * The WP Customer plugin's classes whose callbacks on WHERE_HOOK the shim detaches.
	 *
	 * @since 0.2.0
	 */
	const PLUGIN_WHERE_CLASSES = array( 'DataTableAccessFilter', 'AgencyAccessFilter' );
	const TAB_HOOKS  = array( 'wpapp_tab_view_content', 'wpapp_tab_view_after_content' );

	/**
	 * Header the fast-path script adds to WP Agency's get_agency_details: it will fill the block in.
	 */
	const FAST_PATH_HEADER = 'HTTP_X_WP_CUSTOMER_BRIDGE_FAST_PATH';

	/**
	 * The hooks through which PHP takes part in the block; a callback on any keeps it server-side.
	 */
	const BLOCK_HOOKS = array(
		'wp_customer_before_agency_tab_content',
		'wp_customer_after_agency_tab_content',
		'wp_customer_after_agency_statistics',
		'wp_customer_agency_statistics_data',
	);

	/**
	 * Bridge client.
	 *
	 * @var WP_Customer_Bridge_Client
	 */
	private $client;

	/**
	 * Accessible agencies per user for this request.
	 *
	 * @var array<int, array{scope: string, ids: int[]}>
	 */
	private $accessible = array();

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
		add_filter( self::WHERE_HOOK, array( $this, 'detach_plugin_where' ), PHP_INT_MIN, 1 );
		add_filter( self::WHERE_HOOK, array( $this, 'filter_where' ), 10, 3 );
		foreach ( self::TAB_HOOKS as $hook ) {
			add_action( $hook, array( $this, 'detach_plugin_tab' ), PHP_INT_MIN, 0 );
		}
		add_action( 'wpapp_tab_view_content', array( $this, 'render_tab' ), 20, 3 );
	}

	/**
	 * Remove the plugin's own agency where-filter (DataTableAccessFilter) before it runs.
	 *
	 * @param array $where WHERE list.
	 * @return array Unchanged.
	 */
	public function detach_plugin_where( $where ) {
		WP_Customer_Bridge_Hooks::detach_plugin_classes( self::WHERE_HOOK, self::PLUGIN_WHERE_CLASSES );
		return $where;
	}

	/**
	 * Remove the plugin's own statistics block (AgencyTabController) before it renders.
	 *
	 * @return void
	 */
	public function detach_plugin_tab() {
		WP_Customer_Bridge_Hooks::detach_plugin_classes( current_action(), array( 'AgencyTabController', 'TabContentInjector' ) );
	}

	/**
	 * Whether the agency list's WHERE is the bridge's alone: WHERE_HOOK has no callback but the
	 * shim's own and the WP Customer plugin's that the shim detaches, so the list's scope is
	 * exactly `/relations/agency/accessible` (what the browser fast path answers the list with).
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public static function where_is_the_bridges() {
		foreach ( WP_Customer_Bridge_Hooks::callbacks( self::WHERE_HOOK ) as $callback ) {
			if ( __CLASS__ === ltrim( WP_Customer_Bridge_Hooks::owner_class( $callback ), '\\' ) ) {
				continue;
			}
			if ( ! WP_Customer_Bridge_Hooks::is_plugin_class( $callback, self::PLUGIN_WHERE_CLASSES ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The agencies the current user may see, once per request: {scope: all|some|none, ids}.
	 * Fails closed: when the bridge cannot answer, the user sees no agency.
	 *
	 * @return array{scope: string, ids: int[]}
	 */
	public function accessible() {
		$user = get_current_user_id();
		if ( ! isset( $this->accessible[ $user ] ) ) {
			$result   = array(
				'scope' => 'none',
				'ids'   => array(),
			);
			$response = $user > 0 ? $this->client->request( 'GET', '/relations/agency/accessible' ) : null;
			if ( null !== $response && $response->is_ok() && is_array( $response->data ) && isset( $response->data['scope'] ) ) {
				$scope = (string) $response->data['scope'];
				$ids   = isset( $response->data['ids'] ) && is_array( $response->data['ids'] ) ? $response->data['ids'] : array();
				$ids   = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
				if ( 'all' === $scope ) {
					$result['scope'] = 'all';
				} elseif ( 'some' === $scope && ! empty( $ids ) ) {
					$result = array(
						'scope' => 'some',
						'ids'   => $ids,
					);
				}
			}
			$this->accessible[ $user ] = $result;
		}
		return $this->accessible[ $user ];
	}

	/**
	 * Limit WP Agency's agency list to what the bridge says the user may see.
	 *
	 * @param array $where   Raw SQL conditions, ANDed by WP App Core.
	 * @param mixed $request The DataTables request (unused).
	 * @param mixed $model   The agency DataTable model (unused).
	 * @return array
	 */
	public function filter_where( $where, $request = null, $model = null ) {
		$where      = is_array( $where ) ? $where : array();
		$accessible = $this->accessible();
		if ( 'all' === $accessible['scope'] ) {
			return $where;
		}
		$ids     = 'some' === $accessible['scope'] ? $accessible['ids'] : array( 0 );
		$where[] = 'a.id IN (' . implode( ',', array_map( 'intval', $ids ) ) . ')';
		return $where;
	}

	/**
	 * The "Statistik Customer" block on the agency info tab.
	 *
	 * @param string $entity Entity of the tab.
	 * @param string $tab_id Tab id.
	 * @param array  $data   Tab data: ['agency' => object with id, …].
	 * @return void
	 */
	public function render_tab( $entity, $tab_id = '', $data = array() ) {
		if ( 'agency' !== $entity || 'info' !== $tab_id ) {
			return;
		}
		$agency    = is_array( $data ) && isset( $data['agency'] ) ? $data['agency'] : null;
		$agency_id = 0;
		if ( is_object( $agency ) && isset( $agency->id ) ) {
			$agency_id = (int) $agency->id;
		} elseif ( is_array( $agency ) && isset( $agency['id'] ) ) {
			$agency_id = (int) $agency['id'];
		}
		if ( $agency_id < 1 ) {
			return;
		}
		if ( self::block_on_fast_path() ) {
			echo self::placeholder( $agency_id ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- an HTML comment holding an int.
			return;
		}
		// phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the renderer escapes every value.
		echo $this->tab_html( $agency, $agency_id, $tab_id );
	}

	/**
	 * Where the fast-path script puts the block it asks the bridge for.
	 *
	 * @since 0.2.0
	 *
	 * @param int $agency_id Agency id.
	 * @return string
	 */
	public static function placeholder( $agency_id ) {
		return '<!--wp-customer-bridge:agency-statistics:' . (int) $agency_id . '-->';
	}

	/**
	 * Whether this get_agency_details answer leaves the statistics block to the fast-path script,
	 * which then asks the bridge for it directly (GET /tabs/agency/{id}/statistics?shape=plugin)
	 * and sends the request again without its header when the bridge does not answer: only when
	 * the script said it is on the page (its header) and block_for_the_browser() holds.
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public static function block_on_fast_path() {
		$asked = isset( $_SERVER[ self::FAST_PATH_HEADER ] ) ? sanitize_text_field( wp_unslash( $_SERVER[ self::FAST_PATH_HEADER ] ) ) : '';
		if ( 'agency-statistics' !== $asked || ! wp_doing_ajax() ) {
			return false;
		}
		return WP_Customer_Bridge_Fast_Path::enabled()
			&& WP_Customer_Bridge_Fast_Path::decided_by_the_bridge( get_current_user_id() )
			&& self::block_for_the_browser();
	}

	/**
	 * Whether the browser may put the bridge's block in place of the shim's: no PHP callback takes
	 * part in the block and the plugin's strings are not translated on this site (the bridge
	 * renders them as the plugin wrote them). Asked when the fast-path script is added (no
	 * script, no wasted request) and again for every get_agency_details answer.
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	public static function block_for_the_browser() {
		foreach ( self::BLOCK_HOOKS as $hook ) {
			if ( has_filter( $hook ) ) {
				return false;
			}
		}
		if ( ! get_translations_for_domain( 'wp-customer' ) instanceof NOOP_Translations ) {
			return false;
		}
		/**
		 * Filters whether the agency info tab's statistics block is left to the browser's fast path.
		 *
		 * @since 0.2.0
		 *
		 * @param bool $on True when nothing keeps it on the server.
		 */
		return (bool) apply_filters( 'wp_customer_bridge_fast_path_agency_tab', true );
	}

	/**
	 * Whether a refusal from the bridge still renders the block, with zeros, as the plugin does:
	 * the plugin counts the customers the user may see among the agency's, which is none both
	 * for a user who may see no customer (401/403) and for an agency outside the user's scope,
	 * which WP Agency opens by URL all the same and the bridge answers 404
	 * (rest_agency_invalid_id). A 404 rest_no_route (the bridge serves no agency tab at all) or
	 * one that is not the bridge's JSON is a set-up problem, shown as a notice, never as zeros.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_Customer_Bridge_Response $response A failed answer.
	 * @return bool
	 */
	public static function shows_zeros( WP_Customer_Bridge_Response $response ) {
		if ( in_array( $response->error_code, array( 'rest_no_route', 'wpbridge_bad_response' ), true ) ) {
			return false;
		}
		return in_array( $response->status, array( 401, 403, 404 ), true );
	}

	/**
	 * The tab block as HTML, with the plugin's extension actions around it.
	 *
	 * @param object|array $agency    Agency.
	 * @param int          $agency_id Its id.
	 * @param string       $tab_id    Tab id.
	 * @return string
	 */
	public function tab_html( $agency, $agency_id, $tab_id = 'info' ) {
		ob_start();
		do_action( 'wp_customer_before_agency_tab_content', $agency, $tab_id );
		$response = $this->client->request( 'GET', '/tabs/agency/' . (int) $agency_id . '/statistics' );
		if ( $response->is_ok() && is_array( $response->data ) ) {
			$statistics = $response->data;
		} elseif ( self::shows_zeros( $response ) ) {
			$statistics = array(
				'customer_count' => 0,
				'branch_count'   => 0,
				'has_customers'  => false,
				'has_branches'   => false,
			);
		} else {
			echo WP_Customer_Bridge_Renderer::agency_statistics_unavailable( WP_Customer_Bridge_Client::message_for_current_user( $response ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the renderer.
			return (string) ob_get_clean();
		}
		$customer_count = isset( $statistics['customer_count'] ) ? (int) $statistics['customer_count'] : 0;
		$branch_count   = isset( $statistics['branch_count'] ) ? (int) $statistics['branch_count'] : 0;
		$statistics     = apply_filters( 'wp_customer_agency_statistics_data', $statistics, $agency_id, get_current_user_id() );
		echo WP_Customer_Bridge_Renderer::agency_statistics( $customer_count, $branch_count, is_array( $statistics ) ? $statistics : array() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the renderer.
		do_action( 'wp_customer_after_agency_tab_content', $agency, $tab_id, $statistics );
		return (string) ob_get_clean();
	}
}
