-- A database of about :size_mb megabytes for the backup benchmark: one wide table of
-- incompressible-ish text (md5 chains) plus an index, filled in batches.
CREATE TABLE IF NOT EXISTS bench_orders (
    id BIGINT PRIMARY KEY,
    customer TEXT NOT NULL,
    note TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Each row is about 200 bytes on disk with its index entry.
INSERT INTO bench_orders (id, customer, note, amount_cents)
SELECT g, md5(g::text), md5((g * 7)::text) || md5((g * 13)::text) || md5((g * 31)::text),
       (g % 10000)::int
FROM generate_series(1, (:size_mb::bigint * 1024 * 1024) / 200) AS g;
ANALYZE bench_orders;
