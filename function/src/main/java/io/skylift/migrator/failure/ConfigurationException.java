package io.skylift.migrator.failure;

/** The function's environment is wrong; the message names the variable and what it should hold. */
public final class ConfigurationException extends MigratorException {
    public ConfigurationException(String message) {
        super(ErrorCode.CONFIGURATION, message, null);
    }
}
