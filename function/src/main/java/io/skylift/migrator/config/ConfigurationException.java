package io.skylift.migrator.config;

/** The function's environment is wrong; the message names the variable and what it should hold. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
