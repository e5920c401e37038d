package io.skylift.migrator;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces known secret values in text that leaves the function (answers, results, log lines,
 * exception messages). A second line of defence: messages are built without secrets in the first place,
 * but a database error may quote a statement that had a placeholder secret substituted into it.
 */
public final class Redactor {
    public static final String MASK = "****";
    /** Values this short would mask ordinary words; secrets are never this short in practice. */
    private static final int MIN_LENGTH = 4;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    public static Redactor none() {
        return new Redactor(List.of());
    }

    /** A redactor that also masks {@code more} (null and short values are ignored). */
    public Redactor with(String... more) {
        var all = new ArrayList<>(secrets);
        for (String s : more) {
            if (s != null && s.length() >= MIN_LENGTH && !all.contains(s)) {
                all.add(s);
            }
        }
        return new Redactor(List.copyOf(all));
    }

    /** A redactor that also masks every value {@code other} masks. */
    public Redactor with(Redactor other) {
        return with(other.secrets.toArray(String[]::new));
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " values]";
    }
}
