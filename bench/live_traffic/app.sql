-- The SweetShop's hot path, one transaction per purchase: read a sweet, record the purchase,
-- take it from the inventory. pgbench runs it at a fixed rate (bench/live_traffic/run.sh).
\set sweet random(1, 50)
\set buyer random(1, 100)
BEGIN;
SELECT id, name, price_cents FROM sweets WHERE id = :sweet;
INSERT INTO purchases (user_id, sweet_id, quantity, unit_price_cents) VALUES (:buyer, :sweet, 1, 250);
UPDATE sweet_inventory SET quantity = quantity - 1, updated_at = now() WHERE sweet_id = :sweet;
COMMIT;
