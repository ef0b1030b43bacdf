-- A database of about :size_mb megabytes (tables plus indexes) for the backup benchmark.
-- Reproducible: every value is a function of the row number (no random(), no now()), so two
-- runs with the same size dump the same data. Three tables, as an application has: a small
-- one (customers), a large one with text (orders) and one of wide text rows (events), each
-- with a primary key and a secondary index, so pg_dump has more than one table to work on
-- (the directory format's -j parallelism is per table).
--
-- Row counts scale with :size_mb; the per-row sizes below (heap + index entries) were
-- measured on PostgreSQL 15 and put the total within about 10% of the request.
\set customers '(:size_mb::bigint * 1024 * 1024 * 5 / 100) / 190'
\set orders '(:size_mb::bigint * 1024 * 1024 * 55 / 100) / 190'
\set events '(:size_mb::bigint * 1024 * 1024 * 40 / 100) / 370'

CREATE TABLE customers (
    id BIGINT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE orders (
    id BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    note TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE events (
    id BIGINT PRIMARY KEY,
    order_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);

INSERT INTO customers
SELECT g, 'customer' || g || '@example.com', 'Customer ' || md5(g::text),
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 second'
FROM generate_series(1, :customers) AS g;

-- md5 hex text compresses about 2:1, like typical application text.
INSERT INTO orders
SELECT g, 1 + g % GREATEST(:customers, 1),
       md5((g * 7)::text) || ' ' || md5((g * 13)::text) || ' ' || md5((g * 31)::text),
       (g % 10000)::int,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 millisecond'
FROM generate_series(1, :orders) AS g;

INSERT INTO events
SELECT g, 1 + g % GREATEST(:orders, 1), (ARRAY['created', 'paid', 'shipped', 'delivered'])[1 + g % 4],
       md5((g * 3)::text) || md5((g * 5)::text) || md5((g * 11)::text) || md5((g * 17)::text) ||
       md5((g * 19)::text) || md5((g * 23)::text) || md5((g * 29)::text) || md5((g * 37)::text)
FROM generate_series(1, :events) AS g;

CREATE INDEX customers_email ON customers (email);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX events_order ON events (order_id);
VACUUM ANALYZE;
