package io.skylift.migrator.brokenjava.initializer;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java-based migration whose class cannot initialise (a static value that does not parse). */
public class V5__Load_rates extends BaseJavaMigration {
    private static final int RATE = Integer.parseInt(System.getProperty("skylift.test.rate", "not a number"));

    @Override
    public void migrate(Context context) {
        // never reached: the class cannot initialise
    }

    static int rate() {
        return RATE;
    }
}
