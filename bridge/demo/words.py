"""The vocabulary the demo draws from: Indonesian names, company words, streets, job titles."""

from __future__ import annotations

FIRST_NAMES = (
    "Andi Budi Siti Dewi Agus Rina Joko Sri Eko Dian Hendra Wati Rudi Yanti Bambang Ratna Ahmad Fitri Dedi "
    "Lestari Hadi Nur Bayu Indah Teguh Ayu Rizki Putri Fajar Mega Arif Nina Yusuf Sari Imam Wulan Gilang Ani "
    "Dimas Rahma Taufik Maya Irfan Novi Rahmat Intan Hasan Dina Wahyu Lina Kevin Citra Reza Anisa"
).split()
LAST_NAMES = (
    "Santoso Wijaya Saputra Pratama Hidayat Kusuma Nugroho Setiawan Siregar Nasution Simanjuntak Harahap "
    "Lubis Gunawan Halim Susanto Hartono Purnomo Wibowo Rahman Hakim Syahputra Permana Firmansyah Ramadhan "
    "Utami Suryadi Sembiring Tanjung Prasetyo Kurniawan Sulistyo Hutapea Manurung Wahyudi Iskandar Fauzi "
    "Anwar Rahayu Pangaribuan Situmorang Daulay Ginting Tarigan Sihombing Mahendra"
).split()
COMPANY_FIRST = (
    "Maju Sinar Karya Bumi Cipta Mitra Global Delta Meta Jaya Sentosa Mandiri Sejahtera Makmur Prima Nusa "
    "Indo Surya Cahaya Berkah Mulia Agung Lestari Tunas Harapan Bintang Gemilang Citra Sumber Tirta Graha "
    "Wahana Andalan Samudra Permata Inti Rekayasa Anugerah Bina Kencana"
).split()
COMPANY_SECOND = (
    "Bersama Nusantara Abadi Teknindo Solusi Digital Perkasa Kreasi Inovasi Sistem Utama Persada Raya "
    "Indonesia Cemerlang Sakti Logistik Konstruksi Industri Niaga Energi Pangan Tekstil Elektrindo Agro "
    "Farma Medika Semesta Kimia Plastindo Logam Mebel Kemasan Transportasi Sentral"
).split()
STREETS = (
    "Jl. Jenderal Sudirman",
    "Jl. M.H. Thamrin",
    "Jl. Gatot Subroto",
    "Jl. Diponegoro",
    "Jl. Ahmad Yani",
    "Jl. Gajah Mada",
    "Jl. Hayam Wuruk",
    "Jl. Merdeka",
    "Jl. Pahlawan",
    "Jl. Veteran",
    "Jl. Imam Bonjol",
    "Jl. Pemuda",
    "Jl. Asia Afrika",
    "Jl. Siliwangi",
    "Jl. Pattimura",
    "Jl. Kartini",
    "Jl. Teuku Umar",
    "Jl. Sultan Hasanuddin",
    "Jl. Ir. H. Juanda",
    "Jl. Raya Industri",
    "Jl. Kawasan Industri",
    "Jl. Cut Nyak Dien",
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com")
DEPARTMENTS = ("finance", "operation", "legal", "purchase")
POSITIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Manajer Keuangan", ("finance",)),
    ("Staf Keuangan", ("finance",)),
    ("Akuntan", ("finance",)),
    ("Staf Administrasi", ("operation",)),
    ("Manajer Operasional", ("operation",)),
    ("Supervisor Produksi", ("operation",)),
    ("Kepala Gudang", ("operation", "purchase")),
    ("Staf Legal", ("legal",)),
    ("Staf HRD", ("legal",)),
    ("Staf Pembelian", ("purchase",)),
    ("Manajer Pengadaan", ("purchase",)),
    ("Teknisi", ("operation",)),
    ("Staf K3", ("operation", "legal")),
    ("Koordinator Lapangan", ("operation",)),
    ("Sekretaris", ("operation",)),
    ("Staf IT", ("operation",)),
)
EMPLOYEE_NOTES = (None, None, "Karyawan tetap", "Karyawan kontrak", "Masa percobaan")
AUTO_NOTE = "Auto-created from branch"
AGENCY_STAFF_PUSAT = (
    ("agency_kepala_dinas", "Kepala Dinas"),
    ("agency_kepala_bidang", "Kepala Bidang Pengawasan Ketenagakerjaan"),
    ("agency_kepala_seksi", "Kepala Seksi Norma Kerja"),
    ("agency_pengawas", "Pengawas Ketenagakerjaan"),
    ("agency_pengawas_spesialis", "Pengawas Ketenagakerjaan Spesialis K3"),
)
AGENCY_STAFF_CABANG = (
    ("agency_kepala_unit", "Kepala UPT Pengawasan"),
    ("agency_pengawas", "Pengawas Ketenagakerjaan"),
)
PLATFORM_ROLES = (
    "platform_super_admin",
    "platform_admin",
    "platform_manager",
    "platform_support",
    "platform_finance",
    "platform_analyst",
    "platform_viewer",
    "platform_manager",
)
PLATFORM_DEPARTMENTS = ("Operasional", "Keuangan", "Teknologi Informasi", "Layanan Pelanggan", "Analisis Data")
