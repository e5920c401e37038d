package io.skylift.migrator.brokenjava.throwing;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java-based migration whose class cannot be made: its constructor fails, as one needing a missing resource would. */
public class V5__Seed_feature_flags extends BaseJavaMigration {
    public V5__Seed_feature_flags() {
        throw new IllegalStateException("feature-flags.json is not on the class path");
    }

    @Override
    public void migrate(Context context) {
        // never reached
    }
}
