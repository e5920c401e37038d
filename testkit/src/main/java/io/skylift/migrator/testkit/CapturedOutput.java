package io.skylift.migrator.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what this JVM writes to {@code System.out} and {@code System.err} from {@link #start()}
 * until {@link #close()}, while still passing it through to the original streams (tee), so test
 * output stays visible.
 *
 * <p>Sees what goes through {@code System.out}/{@code System.err} at the time of writing (slf4j-simple
 * looks them up per message, so its logs are included); not what a child process writes, nor
 * writes to the file descriptors from native code. The streams are global: captures from tests
 * running in parallel see each other's output. Captures nest: closing restores the streams that
 * were in place at {@link #start()}.
 */
public final class CapturedOutput implements AutoCloseable {

    private final PrintStream originalOut;
    private final PrintStream originalErr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();
    private boolean closed;

    private CapturedOutput() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(tee(originalOut, out));
        System.setErr(tee(originalErr, err));
    }

    /** Starts capturing; close to stop (try-with-resources). */
    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    /** What was written to {@code System.out} so far. */
    public String out() {
        return text(out);
    }

    /** What was written to {@code System.err} so far. */
    public String err() {
        return text(err);
    }

    /** Both streams, interleaved in the order written. */
    public String all() {
        return text(all);
    }

    /** Same as {@link #all()}. */
    @Override
    public String toString() {
        return all();
    }

    /** Restores the original streams; the captured text stays readable. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private String text(ByteArrayOutputStream buffer) {
        synchronized (this) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private PrintStream tee(PrintStream original, ByteArrayOutputStream own) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (CapturedOutput.this) {
                    own.write(bytes, offset, length);
                    all.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }
}
