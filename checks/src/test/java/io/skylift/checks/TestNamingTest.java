package io.skylift.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test-naming style in every module of the repository: a sentence in snake case
 * ({@code a_failed_migration_rolls_back_only_the_migrator_stack}), checked by the build rather than by memory.
 */
class TestNamingTest {

    /** A string literal; runs of characters match possessively, as one step (one stack frame) each. */
    private static final String STRING = "\"(?:[^\"\\\\]++|\\\\.)*+\"";
    /**
     * An annotation's arguments, which may span lines: strings, and parentheses nested once. Possessive runs again: a
     * long {@code @CsvSource} must not take a regex step per character, which overflows the stack.
     */
    private static final String ARGUMENTS = "\\((?:[^()\"]++|" + STRING + "|\\((?:[^()\"]++|" + STRING + ")*+\\))*+\\)";
    /** A test annotation, any more annotations (with their arguments), the modifiers, and the method's name. */
    private static final Pattern TEST_METHOD = Pattern.compile("@(?:Test|ParameterizedTest|RepeatedTest)\\b\\s*(?:"
            + ARGUMENTS + ")?(?:\\s*@[\\w.]+\\s*(?:" + ARGUMENTS + ")?)*\\s*"
            + "(?:(?:public|protected|private|static|final)\\s+)*void\\s+(\\w+)\\s*\\(");
    private static final Pattern SENTENCE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)+");

    /** The repository: this module's parent folder (Surefire runs the tests in the module's folder). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void every_test_of_the_module_is_named_as_a_snake_case_sentence(String module) throws IOException {
        Path tests = ROOT.resolve(module).resolve("src/test/java");
        List<String> names = new ArrayList<>();
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String name : testNames(Files.readString(file))) {
                    names.add(name);
                    if (!SENTENCE.matcher(name).matches()) {
                        offending.add(tests.relativize(file) + ": " + name);
                    }
                }
            }
        }
        assertThat(names).as("tests found in " + module).isNotEmpty();
        assertThat(offending).as("tests of " + module + " not named like_this_sentence").isEmpty();
    }

    @Test
    void tests_are_found_whatever_their_annotations_span() {
        String source = """
                @Test
                void plain_test() {
                }

                @ParameterizedTest(name = "{0} (\\"quoted\\")")
                @CsvSource(delimiter = '|', value = {
                    "a|(b)|c",
                    "d|e|f",
                })
                void a_test_over_lines(String a, String b, String c) {
                }

                @RepeatedTest(3)
                @Timeout(value = 5, unit = TimeUnit.SECONDS)
                public static void a_repeated_test() {
                }
                """;

        assertThat(testNames(source)).containsExactly("plain_test", "a_test_over_lines", "a_repeated_test");
    }

    /** Every module of the parent pom, so that a new one is checked too. */
    static List<String> modules() throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            modules.add(module.group(1));
        }
        return modules;
    }

    /** The names of the test methods declared in a Java source. */
    static List<String> testNames(String source) {
        List<String> names = new ArrayList<>();
        Matcher matcher = TEST_METHOD.matcher(source);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
