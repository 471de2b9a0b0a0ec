<?php
/**
 * Rendering: the plugin's row keys, buttons from permissions, department badges, the agency tab
 * block — and every value from the bridge escaped.
 */
class RendererTest extends Shim_TestCase {

	const ALL  = array( 'view' => true, 'edit' => true, 'delete' => true );
	const VIEW = array( 'view' => true, 'edit' => false, 'delete' => false );

	public function test_customer_row_has_the_plugin_keys_escaped() {
		$row = WP_Customer_Bridge_Renderer::customer_row(
			array(
				'id'           => 3,
				'code'         => '4821Xa07Pq',
				'name'         => 'PT <script>alert("x")</script> & Co',
				'owner_name'   => null,
				'branch_count' => '4',
				'DT_RowId'     => 'customer-3',
				'permissions'  => self::VIEW,
			)
		);
		$this->assertSame( array( 'id', 'code', 'name', 'owner_name', 'branch_count', 'actions' ), array_keys( $row ) );
		$this->assertSame( 3, $row['id'] );
		$this->assertSame( 'PT &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co', $row['name'] );
		$this->assertSame( '-', $row['owner_name'] );
		$this->assertSame( 4, $row['branch_count'] );
		$this->assertSame( '<button type="button" class="button small-button view-customer" data-id="3"><i class="dashicons dashicons-visibility"></i></button> ', $row['actions'] );
	}

	public function test_customer_actions_follow_permissions() {
		$html = WP_Customer_Bridge_Renderer::customer_actions( 9, array( 'permissions' => self::ALL ) );
		$this->assertStringContainsString( 'view-customer', $html );
		$this->assertStringContainsString( 'class="button small-button edit-customer" data-id="9"', $html );
		$this->assertStringContainsString( 'delete-customer', $html );
		$this->assertSame( '', WP_Customer_Bridge_Renderer::customer_actions( 9, array() ) );
		$this->assertSame( '', WP_Customer_Bridge_Renderer::customer_actions( 9, array( 'permissions' => array( 'view' => 'yes' ) ) ) );
	}

	public function test_branch_row() {
		$row = WP_Customer_Bridge_Renderer::branch_row(
			array( 'id' => 5, 'code' => '4821Xa07Pq-07', 'name' => 'Cabang "Bandung"', 'admin_name' => '', 'type' => 'pusat', 'permissions' => array( 'view' => true, 'edit' => true, 'delete' => false ) )
		);
		$this->assertSame( array( 'id', 'code', 'name', 'admin_name', 'type', 'actions' ), array_keys( $row ) );
		$this->assertSame( 'Cabang &quot;Bandung&quot;', $row['name'] );
		$this->assertSame( '-', $row['admin_name'] );
		$this->assertSame( 'pusat', $row['type'] );
		$this->assertStringContainsString( '<button type="button" class="button view-branch" data-id="5" title="Lihat">', $row['actions'] );
		$this->assertStringContainsString( 'edit-branch', $row['actions'] );
		$this->assertStringNotContainsString( 'delete-branch', $row['actions'] );
	}

	public function test_employee_row_with_badges_and_status_toggle() {
		$row = WP_Customer_Bridge_Renderer::employee_row(
			array(
				'id'          => 11,
				'name'        => "O'Brien",
				'position'    => 'Staf <b>Keuangan</b>',
				'email'       => 'o@example.com',
				'branch_name' => 'Pusat & Co',
				'status'      => 'active',
				'finance'     => true,
				'operation'   => false,
				'legal'       => 1,
				'purchase'    => 0,
				'permissions' => self::ALL,
			)
		);
		$this->assertSame( array( 'id', 'name', 'position', 'department', 'email', 'branch_name', 'status', 'actions' ), array_keys( $row ) );
		$this->assertSame( 'O&#039;Brien', $row['name'] );
		$this->assertSame( 'Staf &lt;b&gt;Keuangan&lt;/b&gt;', $row['position'] );
		$this->assertSame( '<div class="department-badges-container"><span class="department-badge finance">Finance</span><span class="department-badge legal">Legal</span></div>', $row['department'] );
		$this->assertSame( 'Pusat &amp; Co', $row['branch_name'] );
		$this->assertSame( 'active', $row['status'] );
		$this->assertStringContainsString( '<button type="button" class="button toggle-status" data-id="11" data-status="inactive" title="Nonaktifkan"><i class="dashicons dashicons-remove"></i></button>', $row['actions'] );
		$this->assertStringContainsString( 'delete-employee', $row['actions'] );

		$none = WP_Customer_Bridge_Renderer::employee_row( array( 'id' => 12, 'status' => 'inactive', 'permissions' => array( 'view' => true, 'edit' => true ) ) );
		$this->assertSame( '<div class="department-badges-container empty">-</div>', $none['department'] );
		$this->assertStringContainsString( 'data-status="active" title="Aktifkan"><i class="dashicons dashicons-yes">', $none['actions'] );
	}

	public function test_datatable_casts_counts_and_keeps_errors() {
		$out = WP_Customer_Bridge_Renderer::datatable(
			array( 'draw' => '4', 'recordsTotal' => '10', 'recordsFiltered' => 2, 'data' => array( array( 'id' => 1, 'name' => 'A' ), 'junk' ) ),
			array( 'WP_Customer_Bridge_Renderer', 'customer_row' ),
			9
		);
		$this->assertSame( 4, $out['draw'] );
		$this->assertSame( 10, $out['recordsTotal'] );
		$this->assertSame( 2, $out['recordsFiltered'] );
		$this->assertCount( 1, $out['data'] );
		$this->assertArrayNotHasKey( 'error', $out );

		$out = WP_Customer_Bridge_Renderer::datatable( array( 'recordsTotal' => 0, 'data' => array(), 'error' => 'order[0] asks …' ), 'strval', 6 );
		$this->assertSame( 6, $out['draw'] );
		$this->assertSame( 'order[0] asks …', $out['error'] );

		$this->assertSame(
			array( 'draw' => 3, 'recordsTotal' => 0, 'recordsFiltered' => 0, 'data' => array(), 'error' => 'down' ),
			WP_Customer_Bridge_Renderer::datatable_error( '3', '<b>down</b>' )
		);
	}

	public function test_agency_statistics_block_has_the_plugin_markup() {
		$html = WP_Customer_Bridge_Renderer::agency_statistics( 3, 7, array() );
		$this->assertStringContainsString( '<div class="agency-detail-section wp-customer-integration">', $html );
		$this->assertStringContainsString( '<h3>Statistik Customer</h3>', $html );
		$this->assertStringContainsString( '<label>Total Customer:</label>', $html );
		$this->assertStringContainsString( '<span><strong>3</strong></span>', $html );
		$this->assertStringContainsString( '<label>Total Cabang:</label>', $html );
		$this->assertStringContainsString( '<span><strong>7</strong></span>', $html );
		$this->assertStringContainsString( '3 customer terhubung dengan agency ini melalui 7 cabang', $html );

		$empty = WP_Customer_Bridge_Renderer::agency_statistics( 0, 0, array() );
		$this->assertStringContainsString( '<span class="text-muted">Belum ada customer yang terhubung dengan agency ini</span>', $empty );
		$this->assertSame( array( 'wp_customer_after_agency_statistics', array( 0, 0, array() ) ), end( $GLOBALS['test_fired'] ) );

		$notice = WP_Customer_Bridge_Renderer::agency_statistics_unavailable( 'Bridge <down> & out' );
		$this->assertStringContainsString( 'notice-warning', $notice );
		$this->assertStringContainsString( 'Bridge &lt;down&gt; &amp; out', $notice );
	}
}
