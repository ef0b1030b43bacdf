-- revision: c0000000014
-- down_revision: c0000000013
-- message: renames the running application would trip on (last: later files would see the new names)
-- transactional: true

-- migrate:upgrade
ALTER TABLE users RENAME COLUMN karma TO reputation; -- expect: rename-column
ALTER TABLE purchases RENAME TO orders; -- expect: rename-table
CREATE VIEW purchases AS SELECT * FROM orders;
ALTER VIEW purchases RENAME TO purchases_view;
ALTER MATERIALIZED VIEW sales_summary RENAME TO sales_by_day; -- expect: rename-table
ALTER SCHEMA legacy RENAME TO archive; -- expect: rename-schema
ALTER TYPE purchase_state RENAME VALUE 'done' TO 'completed'; -- expect: rename-enum-value
ALTER TYPE purchase_state ADD VALUE 'refunded' AFTER 'completed';
ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_unique;
ALTER INDEX users_created_idx RENAME TO users_created_at_idx;

-- migrate:downgrade
ALTER TABLE orders RENAME TO purchases;
