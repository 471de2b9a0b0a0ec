-- Region tables of the wilayah-indonesia plugin (ProvincesDB.php / RegenciesDB.php). wp-customer
-- stores their ids, wp-agency their codes. UNIQUE province_name also serves as the province_id index.

CREATE TABLE `{prefix}wi_provinces` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  code varchar(2) NOT NULL,
  name varchar(100) NOT NULL,
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (id),
  UNIQUE KEY code (code),
  UNIQUE KEY name (name),
  KEY created_by_index (created_by)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}wi_regencies` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  province_id bigint(20) UNSIGNED NOT NULL,
  code varchar(4) NOT NULL,
  name varchar(100) NOT NULL,
  type enum('kabupaten','kota') NOT NULL,
  created_by bigint(20) NOT NULL,
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (id),
  UNIQUE KEY code (code),
  UNIQUE KEY province_name (province_id, name),
  KEY created_by_index (created_by),
  CONSTRAINT `{prefix}wi_regencies_ibfk_1`
    FOREIGN KEY (province_id)
    REFERENCES `{prefix}wi_provinces` (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
