package io.skylift.migrator.json;

/** Text that is not JSON; the message says what was expected, {@link #line()} and {@link #column()} where. */
public final class JsonSyntaxException extends RuntimeException {
    private final int line;
    private final int column;

    public JsonSyntaxException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** 1-based. */
    public int line() {
        return line;
    }

    /** 1-based. */
    public int column() {
        return column;
    }
}
