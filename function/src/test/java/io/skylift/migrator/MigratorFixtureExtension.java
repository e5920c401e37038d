package io.skylift.migrator;

import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link MigratorFixture} over the test's own database (from {@link PostgresExtension}, which must be
 * registered too) and closes it when the test is over. A test and its {@code @BeforeEach} get the same one.
 */
public final class MigratorFixtureExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(MigratorFixtureExtension.class);
    private final PostgresExtension databases = new PostgresExtension();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MigratorFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(context.getUniqueId(),
                id -> new Closing(new MigratorFixture((TestDatabase) databases.resolveParameter(parameter, context))),
                Closing.class).fixture();
    }

    private record Closing(MigratorFixture fixture) implements AutoCloseable {
        @Override
        public void close() {
            fixture.close();
        }
    }
}
