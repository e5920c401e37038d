-- A secret placeholder as a SCRAM-SHA-256 verifier, as an application role's password is set.
CREATE ROLE training_app WITH LOGIN PASSWORD '${app_password_scram}';
GRANT SELECT, INSERT ON customers, orders TO training_app;
