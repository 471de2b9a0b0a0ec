-- WP Customer's tables in the layout its developer docs describe ("Database Schema"): customers
-- with type and region codes, branches and employees with ON DELETE CASCADE foreign keys,
-- employees unique by user_id. Sites on other plugin versions may look like this.

CREATE TABLE `{prefix}app_customers` (
  id BIGINT(20) UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(50) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  type VARCHAR(50) NOT NULL,
  status VARCHAR(20) DEFAULT 'active',
  user_id BIGINT(20) UNSIGNED,
  provinsi_code CHAR(2),
  regency_code CHAR(4),
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_status (status),
  INDEX idx_type (type),
  INDEX idx_user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}app_customer_branches` (
  id BIGINT(20) UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT(20) UNSIGNED NOT NULL,
  agency_id BIGINT(20) UNSIGNED,
  division_id BIGINT(20) UNSIGNED,
  name VARCHAR(200) NOT NULL,
  status VARCHAR(20) DEFAULT 'active',
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_customer_id (customer_id),
  INDEX idx_agency_id (agency_id),
  INDEX idx_status (status),
  FOREIGN KEY (customer_id) REFERENCES `{prefix}app_customers`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE `{prefix}app_customer_employees` (
  id BIGINT(20) UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT(20) UNSIGNED NOT NULL,
  branch_id BIGINT(20) UNSIGNED,
  user_id BIGINT(20) UNSIGNED NOT NULL,
  status VARCHAR(20) DEFAULT 'active',
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_customer_id (customer_id),
  INDEX idx_branch_id (branch_id),
  INDEX idx_user_id (user_id),
  UNIQUE KEY unique_user (user_id),
  FOREIGN KEY (customer_id) REFERENCES `{prefix}app_customers`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
