package io.skylift.migrator.secrets;

/** Where secret strings come from. */
public interface SecretSource {
    /**
     * The secret's string value.
     *
     * @param secretId ARN or name
     * @throws SecretReadException when it is missing, not readable by this role, or has no string
     */
    String read(String secretId);
}
