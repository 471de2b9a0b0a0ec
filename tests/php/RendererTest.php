<?php
/**
 * Rendering: the DataTables envelope around the rows the bridge renders (tests/test_plugin_rows.py
 * checks those rows), the agency tab block — and every value from the bridge escaped.
 */
class RendererTest extends Shim_TestCase {

	public function test_datatable_casts_counts_and_keeps_errors() {
		$out = WP_Customer_Bridge_Renderer::datatable(
			array( 'draw' => '4', 'recordsTotal' => '10', 'recordsFiltered' => 2, 'data' => array( array( 'id' => 1, 'name' => 'A' ), 'junk' ) ),
			9
		);
		$this->assertSame( array( array( 'id' => 1, 'name' => 'A' ) ), $out['data'] );
		$this->assertSame( 4, $out['draw'] );
		$this->assertSame( 10, $out['recordsTotal'] );
		$this->assertSame( 2, $out['recordsFiltered'] );
		$this->assertCount( 1, $out['data'] );
		$this->assertArrayNotHasKey( 'error', $out );

		$out = WP_Customer_Bridge_Renderer::datatable( array( 'recordsTotal' => 0, 'data' => array(), 'error' => 'order[0] asks …' ), 6 );
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
