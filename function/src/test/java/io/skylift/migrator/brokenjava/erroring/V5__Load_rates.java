package io.skylift.migrator.brokenjava.erroring;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java-based migration that fails with an Error, which neither Flyway nor the function expects. */
public class V5__Load_rates extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
        throw new AssertionError("rates table must be empty before loading");
    }
}
