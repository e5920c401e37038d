-- The billing service's payments.
CREATE TABLE payments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id  bigint        NOT NULL,
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    received_at timestamptz   NOT NULL DEFAULT now()
);
