-- The bridge's only table of its own: lifecycle events waiting to be delivered to WordPress.
-- Written in the same transaction as the change, delivered (with retries) afterwards.

CREATE TABLE `{prefix}wpbridge_outbox` (
  id bigint(20) UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id char(36) NOT NULL,
  entity varchar(40) NOT NULL,
  entity_id bigint(20) UNSIGNED NOT NULL,
  action varchar(100) NOT NULL,
  payload longtext NOT NULL,
  created_at datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  attempts int(11) NOT NULL DEFAULT 0,
  next_attempt_at datetime(6) NULL DEFAULT NULL,
  delivered_at datetime(6) NULL DEFAULT NULL,
  last_error text NULL,
  PRIMARY KEY (id),
  UNIQUE KEY event_id (event_id),
  KEY pending (delivered_at, next_attempt_at),
  KEY entity_events (entity, entity_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
