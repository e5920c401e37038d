ALTER TABLE invoices ADD COLUMN currency text NOT NULL DEFAULT '${currency}';
