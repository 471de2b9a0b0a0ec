"""The demo data generator behind ``wpbridge demo``: a whole WP Customer site, deterministic per seed.

It writes what the PHP plugins' demo generators write (facts §7), at any size: WordPress users
with the plugins' dual roles, agencies per province with divisions and jurisdictions, platform
staff, customers with head offices and branches in real regions, and their employees. Nine
fixed "demo logins" (one per kind of user the access rules know) get application passwords so
the REST API can be tried at once; their secrets come from ``random.Random(seed)``.

Speed matters (100,000 customers is ~3.5 million rows): ids are assigned here, rows go out as
multi-row INSERTs of up to 5,000 rows, one transaction per batch, with unique and foreign-key
checks off for the session — so every unique value is made unique in Python before it is
written. Customers are generated in chunks; a worker thread writes one chunk while the next is
generated, which bounds memory and keeps both Python and MariaDB busy.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, Callable, Iterable, NamedTuple, Sequence

import pymysql
from pymysql.converters import escape_item, escape_string

from bridge.roles import ROLE_DEFINITIONS
from bridge.schema import SchemaInfo, TableNames
from bridge.wordpress import (
    APPLICATION_PASSWORD_CHARS,
    APPLICATION_PASSWORD_LENGTH,
    ITOA64,
    chunk_application_password,
    hash_password_phpass,
    new_application_password_item,
    php_dumps,
    php_loads,
)

DEMO_PASSWORD = "Demo_Data-2025"
BATCH_ROWS = 5000
MAX_STATEMENT_CHARS = 4_000_000
CHUNK_CUSTOMERS = 2000
EPOCH = datetime(2024, 1, 2, 8, 0, 0)
DATA_SPAN = timedelta(days=640)
APP_PASSWORD_NAME = "wp-customer-bridge demo"

GENERAL_OPTIONS: dict[str, Any] = {
    "records_per_page": 15,
    "enable_caching": True,
    "cache_duration": 43200,
    "datatables_language": "id",
    "display_format": "hierarchical",
    "enable_api": False,
    "api_key": "",
    "log_enabled": False,
    "enable_hard_delete_branch": False,
}

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

# The seat of each province's government, matched on the end of the normalised regency name.
CAPITALS = {
    "11": "kotabandaaceh", "12": "kotamedan", "13": "kotapadang", "14": "kotapekanbaru", "15": "kotajambi",
    "16": "kotapalembang", "17": "kotabengkulu", "18": "kotabandarlampung", "19": "kotapangkalpinang",
    "21": "kotatanjungpinang", "31": "kotajakartapusat", "32": "kotabandung", "33": "kotasemarang",
    "34": "kotayogyakarta", "35": "kotasurabaya", "36": "kotaserang", "51": "kotadenpasar", "52": "kotamataram",
    "53": "kotakupang", "61": "kotapontianak", "62": "kotapalangkaraya", "63": "kotabanjarbaru",
    "64": "kotasamarinda", "65": "kabupatenbulungan", "71": "kotamanado", "72": "kotapalu", "73": "kotamakassar",
    "74": "kotakendari", "75": "kotagorontalo", "76": "kabupatenmamuju", "81": "kotaambon",
    "82": "kotatidorekepulauan", "91": "kotajayapura", "92": "kabupatenmanokwari", "93": "kabupatenmerauke",
    "94": "kabupatennabire", "95": "kabupatenjayawijaya", "96": "kotasorong",
}  # fmt: skip

# Approximate coordinates of each province's capital; branches scatter around them.
CENTRES = {
    "11": (5.55, 95.32), "12": (3.59, 98.67), "13": (-0.95, 100.35), "14": (0.51, 101.45), "15": (-1.61, 103.61),
    "16": (-2.98, 104.76), "17": (-3.80, 102.27), "18": (-5.43, 105.26), "19": (-2.13, 106.11),
    "21": (0.92, 104.45), "31": (-6.18, 106.83), "32": (-6.91, 107.61), "33": (-6.99, 110.42),
    "34": (-7.80, 110.36), "35": (-7.25, 112.75), "36": (-6.12, 106.15), "51": (-8.65, 115.22),
    "52": (-8.58, 116.12), "53": (-10.18, 123.60), "61": (-0.03, 109.33), "62": (-2.21, 113.92),
    "63": (-3.44, 114.83), "64": (-0.50, 117.15), "65": (2.84, 117.37), "71": (1.47, 124.84), "72": (-0.90, 119.87),
    "73": (-5.15, 119.43), "74": (-3.97, 122.51), "75": (0.54, 123.06), "76": (-2.68, 118.89), "81": (-3.70, 128.18),
    "82": (0.74, 127.56), "91": (-2.53, 140.72), "92": (-0.86, 134.06), "93": (-8.50, 140.40),
    "94": (-3.37, 135.50), "95": (-4.10, 138.95), "96": (-0.88, 131.25),
}  # fmt: skip
INDONESIA_BOX = ((-11.0, 6.0), (95.0, 141.0))


@dataclass(frozen=True)
class FixedLogin:
    """One of the printed demo accounts: who they are and how WordPress knows them."""

    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    kind: str
    hash_format: str = "generic"

    @property
    def role(self) -> str:
        """E.g. ``customer owner (customer + customer_admin)``."""
        return f"{self.kind} ({' + '.join(self.roles)})"


FIXED_LOGINS: tuple[FixedLogin, ...] = (
    FixedLogin("admin", "", "", ("administrator",), "site administrator", "phpass"),
    FixedLogin("andi_budi", "Andi", "Budi", ("customer", "customer_admin"), "customer owner"),
    FixedLogin("demo_branch_admin", "Siti", "Rahmawati", ("customer", "customer_branch_admin"), "branch admin"),
    FixedLogin("demo_employee", "Rina", "Kartika", ("customer", "customer_employee"), "customer employee"),
    FixedLogin("demo_agency_admin", "Hendra", "Gunawan", ("agency", "agency_admin_dinas"), "agency admin"),
    FixedLogin("demo_pengawas", "Joko", "Susilo", ("agency", "agency_pengawas"), "agency inspector"),
    FixedLogin("demo_platform_viewer", "Maya", "Sari", ("platform_staff", "platform_viewer"), "platform viewer"),
    FixedLogin("demo_platform_admin", "Dimas", "Pratama", ("platform_staff", "platform_admin"), "platform admin"),
    FixedLogin("demo_subscriber", "Tono", "Subagyo", ("subscriber",), "no relation"),
)


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why."""


@dataclass(frozen=True)
class DemoLogin:
    """A printed demo account: WordPress password and REST application password."""

    username: str
    user_id: int
    role: str
    wordpress_password: str
    application_password: str
    sees: str


@dataclass
class DemoResult:
    """What ``generate`` wrote: rows per table, time taken, and the demo logins."""

    counts: dict[str, int]
    seconds: float
    logins: list[DemoLogin] = field(default_factory=list)


def demo_application_passwords(seed: int) -> dict[str, str]:
    """The application password of each fixed login: the first draws of ``random.Random(seed)``."""
    rng = random.Random(seed)
    return {login.username: _draw_password(rng) for login in FIXED_LOGINS}


def _draw_password(rng: random.Random) -> str:
    return "".join(rng.choice(APPLICATION_PASSWORD_CHARS) for _ in range(APPLICATION_PASSWORD_LENGTH))


# --- plain data of the plan ----------------------------------------------------------------


@dataclass(frozen=True)
class Regency:
    id: int
    province_id: int
    code: str
    name: str


@dataclass(frozen=True)
class Province:
    id: int
    code: str
    name: str
    regencies: tuple[Regency, ...]


@dataclass
class Division:
    id: int
    agency_id: int
    code: str
    name: str
    type: str
    regency: Regency
    user_id: int | None = None
    inspectors: list[int] = field(default_factory=list)


@dataclass
class Agency:
    id: int
    code: str
    name: str
    status: str
    province: Province
    capital: Regency
    divisions: list[Division]
    user_id: int = 0


# --- helpers -------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _capital(province: Province) -> Regency:
    """The province's capital by name; else its first city; else its first regency."""
    key = CAPITALS.get(province.code)
    if key:
        for regency in province.regencies:
            if _normalise(regency.name).endswith(key):
                return regency
    cities = [r for r in province.regencies if r.name.lower().startswith("kota")]
    return (cities or list(province.regencies))[0]


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10 ** (count - 1), 10**count))


def _phone(rng: random.Random) -> str:
    return f"08{rng.randint(11, 59)}{rng.randrange(10_000_000, 100_000_000)}"


def _office_phone(rng: random.Random) -> str:
    return f"(0{rng.randint(21, 979)}) {rng.randrange(1_000_000, 10_000_000)}"


def _coordinates(rng: random.Random, province_code: str) -> tuple[float, float]:
    """A point near the province's capital, kept inside Indonesia's bounding box."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = INDONESIA_BOX
    centre = CENTRES.get(province_code)
    if centre is None:
        return round(rng.uniform(lat_lo, lat_hi), 8), round(rng.uniform(lon_lo, lon_hi), 8)
    lat = min(lat_hi, max(lat_lo, centre[0] + rng.uniform(-0.6, 0.6)))
    lon = min(lon_hi, max(lon_lo, centre[1] + rng.uniform(-0.6, 0.6)))
    return round(lat, 8), round(lon, 8)


def _address(rng: random.Random, regency: Regency) -> str:
    return f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, {regency.name}"


def _postal_code(rng: random.Random) -> str:
    return str(rng.randint(10110, 99999))


def _unique(seen: set[str], make: Callable[[], str]) -> str:
    """Draw until the value is new: unique checks are off while loading, so Python guarantees it."""
    while True:
        value = make()
        if value not in seen:
            seen.add(value)
            return value


def _quote_only(text: str) -> str:
    """String escaping when the server treats backslashes as ordinary characters."""
    return text.replace("'", "''")


def _format_npwp(digits: str) -> str:
    d = digits
    return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"


# --- writing -------------------------------------------------------------------------------


class Writer:
    """Multi-row INSERTs of up to BATCH_ROWS rows, one transaction each, into the live columns.

    Statements are rendered apart from executing them so that a worker thread can run them
    while the caller renders the next ones: PyMySQL's ``executemany`` escapes row by row in
    the thread that sends, and measured here that cost more than MariaDB's own insert work.
    Values are escaped with PyMySQL's converters, as its ``execute`` does (quotes only under
    NO_BACKSLASH_ESCAPES); every value is generated here, none comes from a client.
    """

    def __init__(self, conn: pymysql.connections.Connection, names: TableNames, schema: SchemaInfo) -> None:
        self.conn = conn
        self.names = names
        self.schema = schema
        self.cursor = conn.cursor(pymysql.cursors.Cursor)
        self.counts: Counter[str] = Counter()
        self._columns: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        mode, packet = self.rows("SELECT @@SESSION.sql_mode, @@max_allowed_packet")[0]
        self._escape_string = _quote_only if "NO_BACKSLASH_ESCAPES" in (mode or "").upper() else escape_string
        self.max_chars = min(MAX_STATEMENT_CHARS, int(packet or MAX_STATEMENT_CHARS) // 4)

    def scalar(self, sql: str, args: Sequence[Any] = ()) -> Any:
        self.cursor.execute(sql, args)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        self.cursor.execute(sql, args)
        return list(self.cursor.fetchall())

    def table(self, key: str) -> str:
        return getattr(self.names, key)

    def insert(self, key: str, rows: list[dict[str, Any]]) -> None:
        self.execute(self.render(key, rows))

    def insert_tuples(self, key: str, cols: Sequence[str], rows: list[tuple]) -> None:
        self.execute(self.render_tuples(key, cols, rows))

    def render(self, key: str, rows: list[dict[str, Any]]) -> list[str]:
        """INSERTs for dict rows, dropping keys the live table lacks (documented vs real layout)."""
        if not rows:
            return []
        wanted = tuple(rows[0])
        cols = self._columns.get((key, wanted))
        if cols is None:
            cols = [c for c in wanted if self.schema.has(key, c)]
            self._columns[(key, wanted)] = cols
        getter = itemgetter(*cols)
        tuples = [(getter(r),) for r in rows] if len(cols) == 1 else [getter(r) for r in rows]
        return self.render_tuples(key, cols, tuples)

    def render_tuples(self, key: str, cols: Sequence[str], rows: list[tuple]) -> list[str]:
        """Multi-row INSERT statements of at most BATCH_ROWS rows and ``max_chars`` characters."""
        head = f"INSERT INTO `{self.table(key)}` ({', '.join(f'`{c}`' for c in cols)}) VALUES "
        literal = self._literal
        statements: list[str] = []
        parts: list[str] = []
        size = 0
        for row in rows:
            text = "(" + ",".join(map(literal, row)) + ")"
            parts.append(text)
            size += len(text) + 1
            if len(parts) >= BATCH_ROWS or size >= self.max_chars:
                statements.append(head + ",".join(parts))
                parts, size = [], 0
        if parts:
            statements.append(head + ",".join(parts))
        self.counts[key] += len(rows)
        return statements

    def _literal(self, value: Any) -> str:
        if value is None:
            return "NULL"
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is str:
            return "'" + self._escape_string(value) + "'"
        return escape_item(value, "utf8mb4")

    def execute(self, statements: Iterable[str]) -> None:
        """Run each statement in its own transaction."""
        for statement in statements:
            self.conn.begin()
            try:
                self.cursor.execute(statement)
                self.conn.commit()
            except BaseException:
                self.conn.rollback()
                raise


class Person(NamedTuple):
    id: int
    login: str
    email: str
    name: str


class Users:
    """WordPress users and their meta, built as tuples with ids assigned here."""

    USER_COLS = (
        "ID",
        "user_login",
        "user_pass",
        "user_nicename",
        "user_email",
        "user_url",
        "user_registered",
        "user_activation_key",
        "user_status",
        "display_name",
    )
    META_COLS = ("umeta_id", "user_id", "meta_key", "meta_value")

    def __init__(self, names: TableNames, next_user: int, next_meta: int, password_hash: str) -> None:
        self.cap_key = names.prefix + "capabilities"
        self.level_key = names.prefix + "user_level"
        self.next_user = next_user
        self.next_meta = next_meta
        self.password_hash = password_hash
        self.rows: list[tuple] = []
        self.meta: list[tuple] = []
        self._caps: dict[tuple[str, ...], str] = {}

    def add(
        self,
        first: str,
        last: str,
        roles: tuple[str, ...],
        registered: str,
        login: str | None = None,
    ) -> Person:
        """A user with the given roles; generated logins end in the user id, so they are unique."""
        uid = self.next_user
        self.next_user += 1
        login = login or f"{first}_{last}_{uid}".lower()
        email = f"{login}@example.com"
        display = f"{first} {last}".strip() or login
        self.rows.append((uid, login, self.password_hash, login[:50], email, "", registered, "", 0, display))
        self.add_meta(uid, self.cap_key, self._caps_blob(roles))
        self.add_meta(uid, self.level_key, "10" if "administrator" in roles else "0")
        self.add_meta(uid, "nickname", login)
        self.add_meta(uid, "first_name", first)
        self.add_meta(uid, "last_name", last)
        return Person(uid, login, email, display)

    def add_meta(self, uid: int, key: str, value: str) -> None:
        self.meta.append((self.next_meta, uid, key, value))
        self.next_meta += 1

    def _caps_blob(self, roles: tuple[str, ...]) -> str:
        blob = self._caps.get(roles)
        if blob is None:
            blob = self._caps[roles] = php_dumps({role: True for role in roles})
        return blob

    def take(self) -> tuple[list[tuple], list[tuple]]:
        """Detach the users and meta built so far (to be written elsewhere)."""
        rows, meta = self.rows, self.meta
        self.rows, self.meta = [], []
        return rows, meta

    def flush(self, writer: Writer) -> None:
        rows, meta = self.take()
        writer.insert_tuples("users", self.USER_COLS, rows)
        writer.insert_tuples("usermeta", self.META_COLS, meta)


# --- agencies and platform staff -----------------------------------------------------------


class AgencyBuilder:
    """One agency per province with a head-office division, 1–3 units and full jurisdictions."""

    def __init__(self, rng: random.Random, provinces: list[Province], created: str) -> None:
        self.rng = rng
        self.provinces = provinces
        self.created = created
        self.agencies: list[Agency] = []
        self.by_province: dict[int, Agency] = {}
        self.jurisdiction: dict[str, Division] = {}
        self.jurisdiction_rows: list[dict[str, Any]] = []

    def plan(self) -> None:
        """Agencies, divisions and jurisdictions in memory; two agencies are inactive."""
        inactive = set(self.rng.sample(range(len(self.provinces)), min(2, max(0, len(self.provinces) - 1))))
        division_id = 0
        for index, province in enumerate(self.provinces):
            capital = _capital(province)
            agency = Agency(
                id=index + 1,
                code=f"AGN-{province.code}",
                name=f"Dinas Tenaga Kerja Provinsi {province.name}",
                status="inactive" if index in inactive else "active",
                province=province,
                capital=capital,
                divisions=[],
            )
            others = [r for r in province.regencies if r.id != capital.id]
            seats = [capital] + self.rng.sample(others, min(len(others), self.rng.randint(1, 3)))
            for number, regency in enumerate(seats, start=1):
                division_id += 1
                pusat = number == 1
                agency.divisions.append(
                    Division(
                        id=division_id,
                        agency_id=agency.id,
                        code=f"{agency.code}-{number:02d}",
                        name=f"Kantor Pusat {agency.name}"
                        if pusat
                        else f"UPT Pengawasan Ketenagakerjaan {regency.name}",
                        type="pusat" if pusat else "cabang",
                        regency=regency,
                    )
                )
            self._assign_jurisdictions(agency)
            self.agencies.append(agency)
            self.by_province[province.id] = agency

    def _assign_jurisdictions(self, agency: Agency) -> None:
        """Every regency of the province belongs to exactly one of the agency's divisions."""
        seats = {d.regency.id: d for d in agency.divisions}
        for regency in agency.province.regencies:
            division = seats.get(regency.id) or self.rng.choice(agency.divisions)
            self.jurisdiction[regency.code] = division
            self.jurisdiction_rows.append(
                {
                    "division_id": division.id,
                    "jurisdiction_code": regency.code,
                    "is_primary": 1 if regency.id in seats else 0,
                    "created_by": 1,
                    "created_at": self.created,
                    "updated_at": self.created,
                }
            )

    def staff(self, users: Users, fixed: dict[str, Person], demo_agency: Agency, demo_division: Division) -> list[dict]:
        """Agency admin users and agency employees (with user accounts); returns employee rows."""
        employees: list[dict[str, Any]] = []
        for agency in self.agencies:
            is_demo = agency is demo_agency
            if is_demo:
                agency.user_id = fixed["demo_agency_admin"].id
            else:
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                agency.user_id = users.add(first, last, ("agency", "agency_admin_dinas"), self.created).id
            for division in agency.divisions:
                division.user_id = agency.user_id if division.type == "pusat" else None
                jobs = AGENCY_STAFF_PUSAT if division.type == "pusat" else AGENCY_STAFF_CABANG
                for role, position in jobs:
                    demo = division is demo_division and role == "agency_pengawas"
                    person = fixed["demo_pengawas"] if demo else None
                    employees.append(self._employee(users, agency, division, role, position, person))
        return employees

    def _employee(
        self, users: Users, agency: Agency, division: Division, role: str, position: str, person: Person | None
    ) -> dict[str, Any]:
        """An agency employee; pengawas become the division's inspectors (the plain one first)."""
        if person is None:
            person = users.add(
                self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES), ("agency", role), self.created
            )
        if role == "agency_kepala_unit":
            division.user_id = person.id
        elif role == "agency_pengawas":
            division.inspectors.insert(0, person.id)
        elif role == "agency_pengawas_spesialis":
            division.inspectors.append(person.id)
        return {
            "agency_id": agency.id,
            "division_id": division.id,
            "user_id": person.id,
            "name": person.name,
            "position": position,
            "keterangan": None,
            "email": person.email,
            "phone": _phone(self.rng),
            "created_by": 1,
            "created_at": self.created,
            "updated_at": self.created,
            "status": "active",
        }

    def agency_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": a.id,
                "code": a.code,
                "name": a.name,
                "status": a.status,
                "provinsi_code": a.province.code,
                "regency_code": a.capital.code,
                "user_id": a.user_id,
                "reg_type": "generate",
                "created_by": 1,
                "created_at": self.created,
                "updated_at": self.created,
            }
            for a in self.agencies
        ]

    def division_rows(self) -> list[dict[str, Any]]:
        rows = []
        for agency in self.agencies:
            for d in agency.divisions:
                lat, lon = _coordinates(self.rng, agency.province.code)
                rows.append(
                    {
                        "id": d.id,
                        "agency_id": d.agency_id,
                        "code": d.code,
                        "name": d.name,
                        "type": d.type,
                        "nitku": _digits(self.rng, 13),
                        "postal_code": _postal_code(self.rng),
                        "latitude": lat,
                        "longitude": lon,
                        "address": _address(self.rng, d.regency),
                        "phone": _office_phone(self.rng),
                        "email": f"{d.code.lower()}@disnaker.go.id",
                        "provinsi_code": agency.province.code,
                        "regency_code": d.regency.code,
                        "user_id": d.user_id,
                        "created_by": 1,
                        "created_at": self.created,
                        "updated_at": self.created,
                        "status": "active",
                    }
                )
        return rows


def platform_staff(rng: random.Random, users: Users, fixed: dict[str, Person], created: str) -> list[dict[str, Any]]:
    """Ten platform users: the two demo ones plus one per platform role; the last is 'nonaktif'."""
    people = [fixed["demo_platform_viewer"], fixed["demo_platform_admin"]]
    for role in PLATFORM_ROLES:
        people.append(users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), ("platform_staff", role), created))
    rows = []
    for number, person in enumerate(people, start=1):
        hired = EPOCH.date() - timedelta(days=rng.randint(30, 2000))
        rows.append(
            {
                "user_id": person.id,
                "employee_id": f"STF-{number:04d}",
                "full_name": person.name,
                "department": rng.choice(PLATFORM_DEPARTMENTS),
                "hire_date": hired.isoformat(),
                "phone": _phone(rng),
                "status": "nonaktif" if number == len(people) else "aktif",
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


# --- customers, branches, employees ----------------------------------------------------------


@dataclass
class DemoCustomer:
    """Where customer 1 lives and who its fixed users are (decided before anything is written)."""

    province: Province
    regency: Regency
    owner: Person
    branch_admin: Person
    employee: Person


@dataclass
class Tallies:
    """Numbers for the logins' "what they can see" lines, counted while generating."""

    agency_branches: Counter[int] = field(default_factory=Counter)
    agency_customers: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    inspector_branches: Counter[int] = field(default_factory=Counter)
    inspector_customers: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    customer_one: dict[str, Any] = field(default_factory=dict)


class CustomerBuilder:
    """Generates customers chunk by chunk: owner, head office, branches, their admins, staff."""

    def __init__(
        self,
        rng: random.Random,
        provinces: list[Province],
        agencies: AgencyBuilder,
        users: Users,
        demo: DemoCustomer,
        total: int,
    ) -> None:
        self.rng = rng
        self.provinces = provinces
        self.regencies = [r for p in provinces for r in p.regencies]
        self.province_by_id = {p.id: p for p in provinces}
        self.agencies = agencies
        self.users = users
        self.demo = demo
        self.total = max(total, 1)
        self.tallies = Tallies()
        self.codes: set[str] = set()
        self.npwps: set[str] = set()
        self.nibs: set[str] = set()
        self.names: Counter[str] = Counter()
        self.next_branch = 1
        self.next_employee = 1
        self.customers: list[dict] = []
        self.branches: list[dict] = []
        self.employees: list[dict] = []

    def build(self, customer_id: int) -> None:
        """One customer with its owner, head office, branches (with admins) and staff."""
        rng = self.rng
        is_demo = customer_id == 1
        offset = int(DATA_SPAN.total_seconds() * (customer_id - 1) / self.total) + rng.randint(0, 3600)
        created_at = EPOCH + timedelta(seconds=offset)
        created = _stamp(created_at)
        if is_demo:
            province, regency = self.demo.province, self.demo.regency
        else:
            province = rng.choice(self.provinces)
            regency = rng.choice(province.regencies)
        name, legal_form = self._name(is_demo)
        status = "active" if is_demo or rng.random() >= 0.05 else "inactive"
        if is_demo:
            owner = self.demo.owner
        else:
            owner = self.users.add(
                rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), ("customer", "customer_admin"), created
            )
        code = self._code(created_at)
        self.customers.append(
            {
                "id": customer_id,
                "code": code,
                "name": name,
                "type": legal_form,
                "npwp": self._npwp(),
                "nib": self._nib(),
                "status": status,
                "provinsi_id": province.id,
                "regency_id": regency.id,
                "provinsi_code": province.code,
                "regency_code": regency.code,
                "user_id": owner.id,
                "reg_type": "generate",
                "created_by": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
        branches = self._branches(customer_id, code, name, status, regency, owner, created_at, is_demo)
        self._employees(customer_id, branches, created_at, is_demo)

    def _name(self, is_demo: bool) -> tuple[str, str]:
        """'PT Maju Bersama', then 'PT Maju Bersama 2', … — names are unique across customers."""
        rng = self.rng
        if is_demo:
            legal_form, base = "PT", "PT Maju Bersama"
        else:
            legal_form = "PT" if rng.random() < 0.7 else "CV"
            first = rng.choice(COMPANY_FIRST)
            second = rng.choice(COMPANY_SECOND)
            while second == first:
                second = rng.choice(COMPANY_SECOND)
            base = f"{legal_form} {first} {second}"
        self.names[base] += 1
        count = self.names[base]
        return (base if count == 1 else f"{base} {count}"), legal_form

    def _code(self, created_at: datetime) -> str:
        """The plugin's format: last 4 digits of the Unix time, Aa, 2 digits, Aa (e.g. 4821Xa07Pq)."""
        rng = self.rng
        stamp = int(created_at.replace(tzinfo=timezone.utc).timestamp()) % 10000
        while True:
            code = (
                f"{stamp:04d}{rng.choice(UPPER)}{rng.choice(LOWER)}{rng.randrange(100):02d}"
                f"{rng.choice(UPPER)}{rng.choice(LOWER)}"
            )
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _npwp(self) -> str:
        return _unique(self.npwps, lambda: _format_npwp(_digits(self.rng, 15)))

    def _nib(self) -> str:
        return _unique(self.nibs, lambda: _digits(self.rng, 13))

    def _cabang_regencies(self, head: Regency, count: int) -> list[Regency]:
        """Regencies other than the head office's: about half in the same province."""
        rng = self.rng
        used = {head.id}
        chosen: list[Regency] = []
        same_province = self.province_by_id[head.province_id].regencies
        while len(chosen) < count:
            pool = same_province if rng.random() < 0.5 and len(same_province) > len(used) else self.regencies
            regency = rng.choice(pool)
            if regency.id not in used:
                used.add(regency.id)
                chosen.append(regency)
        return chosen

    def _branches(
        self,
        customer_id: int,
        code: str,
        name: str,
        status: str,
        head: Regency,
        owner: Person,
        created_at: datetime,
        is_demo: bool,
    ) -> list[tuple[dict[str, Any], Person]]:
        """The pusat (admin = owner) and ~2 cabang in other regencies, each with its own admin."""
        rng = self.rng
        count = 2 if is_demo else rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        seats = [head] + self._cabang_regencies(head, count)
        numbers = rng.sample(range(1, 100), len(seats))
        names: set[str] = set()
        made = []
        for index, (regency, number) in enumerate(zip(seats, numbers, strict=True)):
            pusat = index == 0
            when = created_at + timedelta(hours=0 if pusat else rng.randint(1, 24 * 30))
            branch_name = f"{name} Cabang {regency.name}"
            if branch_name in names:
                branch_name = f"{branch_name} {self.province_by_id[regency.province_id].name}"
            names.add(branch_name)
            if pusat:
                admin = owner
            elif is_demo and index == 1:
                admin = self.demo.branch_admin
            else:
                roles = ("customer", "customer_branch_admin")
                admin = self.users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), roles, _stamp(when))
            branch = self._branch(
                customer_id, f"{code}-{number:02d}", branch_name, pusat, regency, admin.id, owner.id, when
            )
            if status == "inactive" or (not pusat and not is_demo and rng.random() < 0.03):
                branch["status"] = "inactive"
            if is_demo and pusat:
                branch["inspector_id"] = self.agencies.jurisdiction[regency.code].inspectors[0]
            self._count(customer_id, branch)
            self.branches.append(branch)
            made.append((branch, admin))
        return made

    def _branch(
        self,
        customer_id: int,
        code: str,
        name: str,
        pusat: bool,
        regency: Regency,
        admin: int,
        owner: int,
        when: datetime,
    ) -> dict[str, Any]:
        """A branch row; agency by province, division by the jurisdiction of its regency."""
        rng = self.rng
        province = self.province_by_id[regency.province_id]
        division = self.agencies.jurisdiction[regency.code]
        inspector = rng.choice(division.inspectors) if division.inspectors and rng.random() < 0.6 else None
        lat, lon = _coordinates(rng, province.code)
        branch_id = self.next_branch
        self.next_branch += 1
        slug = _normalise(name.split(" Cabang ")[0])[:40]
        label = "pusat" if pusat else f"cabang{branch_id}"
        stamp = _stamp(when)
        return {
            "id": branch_id,
            "customer_id": customer_id,
            "code": code,
            "name": name,
            "type": "pusat" if pusat else "cabang",
            "nitku": _digits(rng, 13),
            "postal_code": _postal_code(rng),
            "latitude": lat,
            "longitude": lon,
            "address": _address(rng, regency),
            "phone": _office_phone(rng),
            "email": f"{label}.{slug}@{rng.choice(EMAIL_DOMAINS)}",
            "provinsi_id": province.id,
            "agency_id": self.agencies.by_province[province.id].id,
            "regency_id": regency.id,
            "division_id": division.id,
            "user_id": admin,
            "inspector_id": inspector,
            "created_by": owner,
            "created_at": stamp,
            "updated_at": stamp,
            "status": "active",
        }

    def _count(self, customer_id: int, branch: dict[str, Any]) -> None:
        t = self.tallies
        t.agency_branches[branch["agency_id"]] += 1
        t.agency_customers[branch["agency_id"]].add(customer_id)
        if branch["inspector_id"]:
            t.inspector_branches[branch["inspector_id"]] += 1
            t.inspector_customers[branch["inspector_id"]].add(customer_id)

    def _employees(
        self, customer_id: int, branches: list[tuple[dict[str, Any], Person]], created_at: datetime, is_demo: bool
    ) -> None:
        """The plugin's auto rows (owner 'Admin' at the pusat, 'Branch Manager' per cabang) plus staff."""
        rng = self.rng
        rows = [
            self._employee(
                customer_id, branch, admin, "Admin" if index == 0 else "Branch Manager", DEPARTMENTS, AUTO_NOTE
            )
            for index, (branch, admin) in enumerate(branches)
        ]
        pusat = branches[0][0]
        staff = 1 + rng.choice((0, 1, 1, 2, 2, 3)) if is_demo else rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        for index in range(staff):
            demo_employee = is_demo and index == 0
            branch = pusat if demo_employee else rng.choice(branches)[0]
            position, departments = rng.choice(POSITIONS)
            if rng.random() < 0.25:
                departments = tuple(sorted(set(departments) | {rng.choice(DEPARTMENTS)}))
            when = _stamp(created_at + timedelta(days=rng.randint(1, 90)))
            if demo_employee:
                person = self.demo.employee
            else:
                roles = ("customer", "customer_employee")
                person = self.users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), roles, when)
            row = self._employee(customer_id, branch, person, position, departments, rng.choice(EMPLOYEE_NOTES))
            row["created_at"] = row["updated_at"] = when
            if row["status"] == "active" and not demo_employee and rng.random() < 0.04:
                row["status"] = "inactive"
            rows.append(row)
        if is_demo:
            self._remember_demo([b for b, _ in branches], rows)
        self.employees.extend(rows)

    def _employee(
        self,
        customer_id: int,
        branch: dict[str, Any],
        person: Person,
        position: str,
        departments: Iterable[str],
        note: str | None,
    ) -> dict[str, Any]:
        """An employee row at ``branch``, which always belongs to ``customer_id``."""
        flags = set(departments)
        employee_id = self.next_employee
        self.next_employee += 1
        return {
            "id": employee_id,
            "customer_id": customer_id,
            "branch_id": branch["id"],
            "user_id": person.id,
            "name": person.name,
            "position": position,
            "finance": int("finance" in flags),
            "operation": int("operation" in flags),
            "legal": int("legal" in flags),
            "purchase": int("purchase" in flags),
            "keterangan": note,
            "email": person.email,
            "phone": _phone(self.rng),
            "created_by": branch["created_by"],
            "created_at": branch["created_at"],
            "updated_at": branch["created_at"],
            "status": branch["status"],
        }

    def _remember_demo(self, branches: list[dict], employees: list[dict]) -> None:
        t = self.tallies.customer_one
        t["name"] = self.customers[-1]["name"]
        t["branches"] = len(branches)
        t["employees"] = len(employees)
        t["pusat"] = "its head office in " + branches[0]["name"].split(" Cabang ", 1)[1]
        t["cabang"] = "its branch in " + branches[1]["name"].split(" Cabang ", 1)[1]
        t["pusat_staff"] = sum(1 for e in employees if e["branch_id"] == branches[0]["id"])
        t["cabang_staff"] = sum(1 for e in employees if e["branch_id"] == branches[1]["id"])

    def render(self, writer: Writer) -> list[str]:
        """This chunk as INSERT statements: users first, then customers, branches, employees."""
        users, meta = self.users.take()
        statements = writer.render_tuples("users", Users.USER_COLS, users)
        statements += writer.render_tuples("usermeta", Users.META_COLS, meta)
        statements += writer.render("customers", self.customers)
        statements += writer.render("branches", self.branches)
        statements += writer.render("employees", self.employees)
        self.customers, self.branches, self.employees = [], [], []
        return statements


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = UPPER.lower()


# --- orchestration ---------------------------------------------------------------------------


def _load_regions(writer: Writer) -> list[Province]:
    names = writer.names
    regencies: defaultdict[int, list[Regency]] = defaultdict(list)
    for rid, pid, code, name in writer.rows(
        f"SELECT id, province_id, code, name FROM `{names.regencies}` ORDER BY code"
    ):
        regencies[int(pid)].append(Regency(int(rid), int(pid), str(code), str(name)))
    provinces = [
        Province(int(pid), str(code), str(name), tuple(regencies[int(pid)]))
        for pid, code, name in writer.rows(f"SELECT id, code, name FROM `{names.provinces}` ORDER BY code")
    ]
    provinces = [p for p in provinces if p.regencies]
    if not provinces:
        raise DemoError("the region tables (wi_provinces, wi_regencies) are empty; run `wpbridge migrate` first")
    return provinces


EMPTY_TABLES = (
    ("customers", "customers"),
    ("branches", "customer branches"),
    ("employees", "customer employees"),
    ("agencies", "agencies"),
    ("divisions", "agency divisions"),
    ("jurisdictions", "agency jurisdictions"),
    ("agency_employees", "agency employees"),
    ("platform_staff", "platform staff"),
)


def _refuse_non_empty(writer: Writer) -> None:
    """Demo data goes only into an empty site: it would clash with real rows otherwise."""
    for key, label in EMPTY_TABLES:
        if writer.scalar(f"SELECT EXISTS(SELECT 1 FROM `{writer.table(key)}`)"):
            raise DemoError(f"database already has {label}; demo data loads only into an empty database")
    logins = [login.username for login in FIXED_LOGINS]
    marks = ", ".join(["%s"] * len(logins))
    taken = [
        r[0]
        for r in writer.rows(f"SELECT user_login FROM `{writer.names.users}` WHERE user_login IN ({marks})", logins)
    ]
    if taken:
        raise DemoError(
            f"database already has WordPress users {', '.join(sorted(taken))}; demo data needs those logins free"
        )


def _write_options(writer: Writer, names: TableNames) -> None:
    """Roles (merged into any existing definitions), the plugin's settings and the site basics."""
    table = names.options
    roles_key = names.prefix + "user_roles"
    wanted = {
        roles_key: "",
        "wp_customer_general_options": php_dumps(GENERAL_OPTIONS),
        "siteurl": "http://localhost",
        "home": "http://localhost",
        "blogname": "WP Customer Demo",
        "using_application_passwords": "1",
    }
    marks = ", ".join(["%s"] * len(wanted))
    existing = dict(
        writer.rows(f"SELECT option_name, option_value FROM `{table}` WHERE option_name IN ({marks})", list(wanted))
    )
    roles = php_loads(existing.get(roles_key))
    roles = dict(roles) if isinstance(roles, dict) else {}
    roles.update(ROLE_DEFINITIONS)
    wanted[roles_key] = php_dumps(roles)
    rows = [(k, v, "yes") for k, v in wanted.items() if k == roles_key or k not in existing]
    writer.conn.begin()
    writer.cursor.executemany(
        f"INSERT INTO `{table}` (option_name, option_value, autoload) VALUES (%s, %s, %s) "
        "ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)",
        rows,
    )
    writer.conn.commit()
    writer.counts["options"] += len(rows)


def _plan_demo_customer(
    rng: random.Random, agencies: AgencyBuilder, fixed: dict[str, Person]
) -> tuple[DemoCustomer, Agency, Division]:
    """Customer 1 sits in a province whose agency is active, so the agency logins see it."""
    active = [a for a in agencies.agencies if a.status == "active"] or agencies.agencies
    agency = rng.choice(active)
    regency = rng.choice(agency.province.regencies)
    demo = DemoCustomer(
        agency.province, regency, fixed["andi_budi"], fixed["demo_branch_admin"], fixed["demo_employee"]
    )
    return demo, agency, agencies.jurisdiction[regency.code]


def _add_fixed_users(users: Users, created: str) -> dict[str, Person]:
    """The nine demo logins get the first user ids (1–9 on an empty site)."""
    return {
        login.username: users.add(login.first_name, login.last_name, login.roles, created, login=login.username)
        for login in FIXED_LOGINS
    }


def _add_application_passwords(
    users: Users, rng: random.Random, fixed: dict[str, Person], passwords: dict[str, str]
) -> None:
    """One application password per fixed login; uuid and phpass salt from the seed too."""
    created = int(EPOCH.replace(tzinfo=timezone.utc).timestamp())
    for login in FIXED_LOGINS:
        secret = passwords[login.username]
        item = new_application_password_item(APP_PASSWORD_NAME, secret, hash_format="generic", created=created)
        item["uuid"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if login.hash_format == "phpass":
            salt = "".join(rng.choice(ITOA64) for _ in range(8))
            item["password"] = hash_password_phpass(secret, salt=salt)
        users.add_meta(fixed[login.username].id, "_application_passwords", php_dumps([item]))


def generate(
    conn: pymysql.connections.Connection,
    names: TableNames,
    schema: SchemaInfo,
    *,
    customers: int = 50,
    seed: int = 1,
    out: Callable[[str], Any] = print,
) -> DemoResult:
    """Fill an empty, migrated database with a consistent demo site; same seed, same data."""
    started = time.perf_counter()
    writer = Writer(conn, names, schema)
    _refuse_non_empty(writer)
    provinces = _load_regions(writer)
    rng = random.Random(seed)
    passwords = {login.username: _draw_password(rng) for login in FIXED_LOGINS}
    next_user = int(writer.scalar(f"SELECT COALESCE(MAX(ID), 0) FROM `{names.users}`")) + 1
    next_meta = int(writer.scalar(f"SELECT COALESCE(MAX(umeta_id), 0) FROM `{names.usermeta}`")) + 1
    salt = "".join(rng.choice(ITOA64) for _ in range(8))
    users = Users(names, next_user, next_meta, hash_password_phpass(DEMO_PASSWORD, salt=salt))
    created = _stamp(EPOCH - timedelta(days=30))
    writer.cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
    try:
        fixed = _add_fixed_users(users, created)
        _add_application_passwords(users, rng, fixed, passwords)
        agencies = AgencyBuilder(rng, provinces, created)
        agencies.plan()
        demo, demo_agency, demo_division = _plan_demo_customer(rng, agencies, fixed)
        agency_employees = agencies.staff(users, fixed, demo_agency, demo_division)
        staff = platform_staff(rng, users, fixed, created)
        users.flush(writer)
        _write_options(writer, names)
        writer.insert("agencies", agencies.agency_rows())
        writer.insert("divisions", agencies.division_rows())
        writer.insert("jurisdictions", agencies.jurisdiction_rows)
        writer.insert("agency_employees", agency_employees)
        writer.insert("platform_staff", staff)
        builder = CustomerBuilder(rng, provinces, agencies, users, demo, customers)
        _stream_customers(builder, writer, customers, out)
    finally:
        writer.cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")
    seconds = time.perf_counter() - started
    result = DemoResult(counts=_counts(writer), seconds=seconds)
    result.logins = _logins(fixed, passwords, builder.tallies, demo_agency)
    out(f"demo: {_summary(result)} in {seconds:.1f} s")
    return result


def _stream_customers(builder: CustomerBuilder, writer: Writer, customers: int, out: Callable[[str], Any]) -> None:
    """Render chunk n+1 while a worker thread executes chunk n (the connection is the worker's
    alone meanwhile), so Python and MariaDB work at the same time; reports about every tenth."""
    step = max(customers // 10, CHUNK_CUSTOMERS)
    next_report = step
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as pool:
        pending: Future | None = None
        written = 0
        for start in range(1, customers + 1, CHUNK_CUSTOMERS):
            end = min(customers, start + CHUNK_CUSTOMERS - 1)
            for customer_id in range(start, end + 1):
                builder.build(customer_id)
            statements = builder.render(writer)
            if pending is not None:
                pending.result()
                if written >= next_report:
                    out(f"demo: {written}/{customers} customers written")
                    next_report += step
            pending = pool.submit(writer.execute, statements)
            written = end
        if pending is not None:
            pending.result()


def _counts(writer: Writer) -> dict[str, int]:
    keys = ("users", "usermeta", "options") + tuple(key for key, _ in EMPTY_TABLES)
    return {key: writer.counts.get(key, 0) for key in keys}


def _summary(result: DemoResult) -> str:
    return ", ".join(f"{n} {key}" for key, n in result.counts.items())


def _n(count: int, word: str) -> str:
    plural = word + ("es" if word.endswith("ch") else "s")
    return f"{count} {word if count == 1 else plural}"


def _logins(fixed: dict[str, Person], passwords: dict[str, str], tallies: Tallies, agency: Agency) -> list[DemoLogin]:
    """The printed logins, each with a one-line account of what the access rules let them see."""
    one = tallies.customer_one
    pengawas = fixed["demo_pengawas"].id
    customer = f"customer 1 ({one['name']})"
    sees = {
        "admin": "everything",
        "andi_budi": f"{customer}: {_n(one['branches'], 'branch')}, {_n(one['employees'], 'employee')}",
        "demo_branch_admin": f"{customer} and its branches; {_n(one['cabang_staff'], 'employee')} of {one['cabang']}",
        "demo_employee": f"{customer} and its branches; {_n(one['pusat_staff'], 'employee')} of {one['pusat']}",
        "demo_agency_admin": (
            f"{agency.name}: {_n(tallies.agency_branches[agency.id], 'branch')}"
            f" of {_n(len(tallies.agency_customers[agency.id]), 'customer')}"
        ),
        "demo_pengawas": (
            f"{_n(tallies.inspector_branches[pengawas], 'branch')} they inspect"
            f" ({_n(len(tallies.inspector_customers[pengawas]), 'customer')})"
        ),
        "demo_platform_viewer": "all customers, branches and employees (read only)",
        "demo_platform_admin": "all customers, branches and employees; may add and edit customers and branches",
        "demo_subscriber": "nothing (no relation to any customer or agency)",
    }
    return [
        DemoLogin(
            username=login.username,
            user_id=fixed[login.username].id,
            role=login.role,
            wordpress_password=DEMO_PASSWORD,
            application_password=chunk_application_password(passwords[login.username]),
            sees=sees[login.username],
        )
        for login in FIXED_LOGINS
    ]


def format_logins(result: DemoResult, base_url: str) -> str:
    """A table of the demo logins and a ready-to-paste curl per login."""
    headers = ("login", "id", "role", "WordPress password", "application password", "sees")
    rows = [
        (x.username, str(x.user_id), x.role, x.wordpress_password, x.application_password, x.sees)
        for x in result.logins
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = ["Demo logins (every WordPress password is " + DEMO_PASSWORD + "):", line(headers)]
    out.append(line(["-" * w for w in widths]))
    out.extend(line(r) for r in rows)
    out.append("")
    out.append("Try the REST API as each of them:")
    url = base_url.rstrip("/") + "/wp-json/wp-customer/v1/users/me"
    out.extend(f"curl -u '{x.username}:{x.application_password}' {url}" for x in result.logins)
    return "\n".join(out)


__all__ = [
    "DEMO_PASSWORD",
    "DemoError",
    "DemoLogin",
    "DemoResult",
    "FIXED_LOGINS",
    "demo_application_passwords",
    "format_logins",
    "generate",
]
