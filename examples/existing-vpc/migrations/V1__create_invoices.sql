-- The orders service's invoices.
CREATE TABLE invoices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint        NOT NULL,
    total       numeric(12,2) NOT NULL CHECK (total >= 0),
    issued_at   timestamptz   NOT NULL DEFAULT now()
);
