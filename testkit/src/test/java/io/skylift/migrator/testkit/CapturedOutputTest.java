package io.skylift.migrator.testkit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

class CapturedOutputTest {

    @Test
    void captures_out_and_err_separately_and_together_and_restores_the_streams() {
        PrintStream originalOut = System.out;
        CapturedOutput captured = CapturedOutput.start();
        try (captured) {
            System.out.println("to out");
            System.err.println("to err");
            LoggerFactory.getLogger(CapturedOutputTest.class).info("through slf4j");
        }
        System.out.println("after close");

        assertThat(captured.out()).startsWith("to out" + System.lineSeparator()).doesNotContain("to err");
        assertThat(captured.err()).startsWith("to err").doesNotContain("to out");
        // slf4j-simple writes to stdout or stderr depending on simplelogger.properties; either is captured.
        assertThat(captured.all()).startsWith("to out" + System.lineSeparator() + "to err").contains("through slf4j")
                .doesNotContain("after close");
        assertThat(System.out).isSameAs(originalOut);
    }

    @Test
    void captures_nest() {
        try (CapturedOutput outer = CapturedOutput.start()) {
            try (CapturedOutput inner = CapturedOutput.start()) {
                System.out.println("both");
                assertThat(inner.out()).contains("both");
            }
            System.out.println("outer only");
            assertThat(outer.out()).contains("both", "outer only");
        }
    }

    @Nested
    @ExtendWith(OutputCaptureExtension.class)
    class AsAnExtension {

        @BeforeEach
        void setUp() {
            System.out.println("from before each");
        }

        @Test
        void injects_the_capture_of_the_current_test(CapturedOutput output) {
            System.err.println("from the test");

            assertThat(output.all()).contains("from before each", "from the test");
        }
    }
}
