package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.PostgresWithoutTls;
import io.skylift.migrator.testkit.TcpProxy;
import io.skylift.migrator.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migrator's first connection works; the ones Flyway opens after it fail (the database went away, the password
 * changed, something without TLS answers). The function's own failure, raised inside Flyway's call to the data source,
 * keeps its error code and message instead of coming back as {@code UNEXPECTED}.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class FailuresInsideFlywayTest {
    private MigratorFixture fixture;
    private TcpProxy proxy;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        this.proxy = TcpProxy.to(fixture.database.port());
        fixture.pointSecretAtPort(proxy.port());
        fixture.environment.put("DB_CONNECT_RETRY_WINDOW_SECONDS", "1");
    }

    @org.junit.jupiter.api.AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void an_unreachable_database_keeps_its_code_when_flyway_connects() {
        proxy.beforeEachConnection(number -> {
            if (number == 2) {
                proxy.refuseNewConnections();
            }
        });

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[DATABASE_UNREACHABLE] Could not connect to 127.0.0.1:" + proxy.port());
    }

    @Test
    void refused_credentials_keep_their_code_when_flyway_connects() {
        proxy.beforeEachConnection(number -> {
            if (number == 2) {
                fixture.database.changePassword("rotated-" + System.nanoTime());
            }
        });

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[DATABASE_AUTHENTICATION] The database")
                .hasMessageContaining("refused user '" + fixture.database.username() + "'");
    }

    @Test
    void a_tls_failure_keeps_its_code_when_flyway_connects() {
        try (PostgresWithoutTls plain = PostgresWithoutTls.start()) {
            TestDatabase impostor = plain.createDatabase("impostor");
            proxy.beforeEachConnection(number -> {
                if (number == 2) {
                    proxy.redirectNewConnections(impostor.port());
                }
            });

            assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                    .isInstanceOf(InvocationFailedException.class)
                    .hasMessageStartingWith("[DATABASE_TLS] The database server at 127.0.0.1:" + proxy.port()
                            + " does not offer TLS");
        }
    }
}
