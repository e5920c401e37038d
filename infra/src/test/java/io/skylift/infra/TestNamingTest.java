package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test-naming style in the function's modules and the infrastructure's: a sentence in snake case
 * ({@code a_failed_migration_rolls_back_only_the_migrator_stack}), checked by the build rather than by memory.
 */
class TestNamingTest {

    private static final Pattern TEST_METHOD = Pattern.compile(
            "@(?:Test|ParameterizedTest|RepeatedTest)\\b[^\\n]*\\n(?:\\s*@[^\\n]*\\n)*\\s*(?:public\\s+|static\\s+)*void\\s+(\\w+)\\s*\\(");
    private static final Pattern SENTENCE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)+");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lint", "function", "image", "construct", "infra"})
    void every_test_of_the_module_is_named_as_a_snake_case_sentence(String module) throws IOException {
        Path tests = TestApps.ROOT.resolve(module).resolve("src/test/java");
        List<String> names = new ArrayList<>();
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = TEST_METHOD.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                    if (!SENTENCE.matcher(matcher.group(1)).matches()) {
                        offending.add(tests.relativize(file) + ": " + matcher.group(1));
                    }
                }
            }
        }
        assertThat(names).as("tests found in " + module).isNotEmpty();
        assertThat(offending).as("tests of " + module + " not named like_this_sentence").isEmpty();
    }
}
