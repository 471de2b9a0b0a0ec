-- WP App Core's platform staff table (facts §1.6, wp-app-core eecb32a). status is free text,
-- 'aktif' meaning active.

CREATE TABLE `{prefix}app_platform_staff` (
  id bigint(20) UNSIGNED NOT NULL auto_increment,
  user_id bigint(20) UNSIGNED NOT NULL,
  employee_id varchar(20) NOT NULL,
  full_name varchar(100) NOT NULL,
  department varchar(50) NULL,
  hire_date date NULL,
  phone varchar(20) NULL,
  status varchar(20) NOT NULL DEFAULT 'aktif',
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (id),
  UNIQUE KEY user_id (user_id),
  UNIQUE KEY employee_id (employee_id),
  KEY department_index (department),
  KEY full_name_index (full_name),
  KEY status_index (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
