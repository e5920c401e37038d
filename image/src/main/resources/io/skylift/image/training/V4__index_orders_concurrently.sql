-- Outside a transaction (its .sql.conf): the path an index on a live table takes.
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id, placed_at DESC);
