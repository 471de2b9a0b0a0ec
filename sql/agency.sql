-- WP Agency's tables that branches refer to (facts §1.5, wp-agency 99db711). Unlike wp-customer,
-- wp-agency does create two foreign keys; their names follow the plugin's `{prefix}..._ibfk_1`.

CREATE TABLE `{prefix}app_agencies` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  code varchar(10) NOT NULL,
  name varchar(100) NOT NULL,
  status enum('inactive','active') NOT NULL DEFAULT 'inactive',
  provinsi_code varchar(10) NULL,
  regency_code varchar(10) NULL,
  user_id bigint(20) UNSIGNED NULL,
  reg_type enum('self','by_admin','generate') NOT NULL DEFAULT 'self',
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (id),
  UNIQUE KEY code (code),
  UNIQUE KEY name_region (name, provinsi_code, regency_code),
  KEY created_by_index (created_by)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}app_agency_divisions` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  agency_id bigint(20) UNSIGNED NOT NULL,
  code varchar(13) NOT NULL,
  name varchar(100) NOT NULL,
  type enum('cabang','pusat') NOT NULL,
  nitku varchar(20) NULL COMMENT 'Nomor Identitas Tempat Kegiatan Usaha',
  postal_code varchar(5) NULL COMMENT 'Kode pos',
  latitude decimal(10,8) NULL COMMENT 'Koordinat lokasi',
  longitude decimal(11,8) NULL COMMENT 'Koordinat lokasi',
  address text NULL,
  phone varchar(20) NULL,
  email varchar(100) NULL,
  provinsi_code varchar(10) NULL,
  regency_code varchar(10) NULL,
  user_id bigint(20) UNSIGNED NULL,
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  status enum('active','inactive') DEFAULT 'active',
  PRIMARY KEY  (id),
  UNIQUE KEY code (code),
  UNIQUE KEY agency_name (agency_id, name),
  KEY agency_id_index (agency_id),
  KEY created_by_index (created_by),
  KEY nitku_index (nitku),
  KEY postal_code_index (postal_code),
  KEY location_index (latitude, longitude)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}app_agency_jurisdictions` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  division_id bigint(20) UNSIGNED NOT NULL,
  jurisdiction_code varchar(10) NOT NULL,
  is_primary tinyint(1) NOT NULL DEFAULT 0 COMMENT '1 jika regency ini adalah yang utama dan tidak dapat dipindah',
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (id),
  UNIQUE KEY division_regency (division_id, jurisdiction_code),
  UNIQUE KEY regency_unique (jurisdiction_code),
  KEY division_id_index (division_id),
  KEY jurisdiction_code_index (jurisdiction_code),
  KEY created_by_index (created_by),
  CONSTRAINT `{prefix}app_agency_jurisdictions_ibfk_1`
    FOREIGN KEY (division_id)
    REFERENCES `{prefix}app_agency_divisions` (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}app_agency_employees` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  agency_id bigint(20) UNSIGNED NOT NULL,
  division_id bigint(20) UNSIGNED NOT NULL,
  user_id bigint(20) UNSIGNED NOT NULL,
  name varchar(100) NOT NULL,
  position varchar(100) NULL,
  finance boolean NOT NULL DEFAULT 0,
  operation boolean NOT NULL DEFAULT 0,
  legal boolean NOT NULL DEFAULT 0,
  purchase boolean NOT NULL DEFAULT 0,
  keterangan varchar(200) NULL,
  email varchar(100) NOT NULL,
  phone varchar(20) NULL,
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  status enum('active','inactive') DEFAULT 'active',
  PRIMARY KEY (id),
  UNIQUE KEY email (email),
  KEY agency_id_index (agency_id),
  KEY created_by_index (created_by),
  CONSTRAINT `{prefix}app_agency_employees_ibfk_1`
    FOREIGN KEY (agency_id)
    REFERENCES `{prefix}app_agencies` (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
