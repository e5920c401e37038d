-- Invoices of one customer, newest first. A small table when this ships; CONCURRENTLY needs a migration of its own.
CREATE INDEX invoices_customer_issued ON invoices (customer_id, issued_at DESC);
