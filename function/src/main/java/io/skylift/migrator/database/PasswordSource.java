package io.skylift.migrator.database;

/**
 * The password of the next login. A fixed one for a secret's user; a freshly signed IAM authentication token for the
 * migration role, since a token is valid for 15 minutes and checked only at login, so each connection gets its own.
 * Tests give a known password where Amazon RDS would check a token.
 */
@FunctionalInterface
public interface PasswordSource {
    /** The password for one login; null for none. Never logged. */
    String password();
}
