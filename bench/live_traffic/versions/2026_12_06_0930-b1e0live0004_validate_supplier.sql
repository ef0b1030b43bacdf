-- revision: b1e0live0004
-- down_revision: b1e0live0003
-- message: validate inventory supplier
-- transactional: true

-- migrate:upgrade
-- SHARE UPDATE EXCLUSIVE: reads and writes of sweet_inventory go on while rows are checked.
ALTER TABLE sweet_inventory VALIDATE CONSTRAINT sweet_inventory_supplier_id_fkey;

-- migrate:downgrade
SELECT 1;
