-- An adopter's first migration.
CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);
