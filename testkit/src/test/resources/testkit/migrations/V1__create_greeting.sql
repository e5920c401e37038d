-- Used by the test kit's own tests to prove the per-test role can run Flyway migrations.
CREATE TABLE greeting (id integer PRIMARY KEY, text varchar(100) NOT NULL);
INSERT INTO greeting VALUES (1, 'hello');
