CREATE TABLE orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint        NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    status       text          NOT NULL DEFAULT 'placed' REFERENCES order_statuses (code),
    total_cents  bigint        NOT NULL,
    currency     char(3)       NOT NULL DEFAULT 'EUR',
    placed_at    timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT orders_total_not_negative CHECK (total_cents >= 0)
);

-- The account page lists a customer's orders, newest first.
CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC);
