-- revision: b1e0live0003
-- down_revision: b1e0live0002
-- message: inventory supplier
-- transactional: true

-- migrate:upgrade
ALTER TABLE sweet_inventory ADD COLUMN supplier_id BIGINT;
-- NOT VALID: existing rows are not scanned under the lock; the next step validates them.
ALTER TABLE sweet_inventory ADD CONSTRAINT sweet_inventory_supplier_id_fkey
    FOREIGN KEY (supplier_id) REFERENCES users (id) NOT VALID;

-- migrate:downgrade
ALTER TABLE sweet_inventory DROP COLUMN supplier_id;
