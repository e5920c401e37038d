package io.skylift.lint;

import java.util.Locale;

/** How bad a finding is: an {@link #ERROR} fails the build and {@code cdk synth}; a {@link #WARNING} is shown. */
public enum Severity {
    ERROR, WARNING;

    /** {@code error} or {@code warning}, as reports and JSON results print it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
