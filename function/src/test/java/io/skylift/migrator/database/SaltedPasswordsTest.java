package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A warm function derives the SCRAM salted password of a login once, not once per connection. */
@ExtendWith(PostgresExtension.class)
class SaltedPasswordsTest {
    private static final byte[] SALT = "sixteen byte salt".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @BeforeAll
    static void install() {
        SaltedPasswords.install();
    }

    @Test
    void a_derivation_made_before_is_answered_from_memory_with_the_jdks_result() throws Exception {
        byte[] expected = SecretKeyFactory.getInstance(SaltedPasswords.ALGORITHM, "SunJCE")
                .generateSecret(new PBEKeySpec("first-Pa55".toCharArray(), SALT, 4096, 256)).getEncoded();
        long before = SaltedPasswords.derivations();

        byte[] first = derive("first-Pa55", SALT, 4096);
        byte[] again = derive("first-Pa55", SALT, 4096);

        assertThat(first).isEqualTo(expected);
        assertThat(again).isEqualTo(expected);
        assertThat(SaltedPasswords.derivations() - before).as("the second from memory").isEqualTo(1);
    }

    @Test
    void another_password_salt_or_count_is_derived_anew() throws Exception {
        derive("second-Pa55", SALT, 4096);
        long before = SaltedPasswords.derivations();

        derive("second-Pa56", SALT, 4096);
        derive("second-Pa55", "another salt".getBytes(java.nio.charset.StandardCharsets.UTF_8), 4096);
        derive("second-Pa55", SALT, 4097);

        assertThat(SaltedPasswords.derivations() - before).isEqualTo(3);
    }

    @Test
    void a_second_login_of_the_same_role_derives_nothing_and_a_wrong_password_is_still_refused(TestDatabase database)
            throws SQLException {
        String role = database.databaseName() + "_scram_login";
        String password = "Pa55-" + UUID.randomUUID();
        database.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        long before = SaltedPasswords.derivations();

        for (int login = 0; login < 3; login++) {
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), role, password)) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }

        assertThat(SaltedPasswords.derivations() - before).as("derived at the first login only").isEqualTo(1);
        assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), role, "not-it").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    private static byte[] derive(String password, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance(SaltedPasswords.ALGORITHM)
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    }
}
