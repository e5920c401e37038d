package io.skylift.migrator.drift;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Says, for an operator, how an object's attributes changed: {@code type was integer, now bigint}; for a definition
 * of many lines (a function's body, a view), the first line that differs, so the detail stays readable.
 */
final class AttributeChange {
    /** Longer values are cut in details: the reference table holds them whole. */
    static final int MAX_VALUE_LENGTH = 160;

    private AttributeChange() {
    }

    static String describe(Map<String, String> before, Map<String, String> after) {
        Set<String> attributes = new LinkedHashSet<>(before.keySet());
        attributes.addAll(after.keySet());
        List<String> parts = new ArrayList<>();
        for (String attribute : attributes) {
            String was = before.get(attribute);
            String now = after.get(attribute);
            if (Objects.equals(was, now)) {
                continue;
            }
            if (was == null) {
                parts.add(attribute + " added: " + shorten(now));
            } else if (now == null) {
                parts.add(attribute + " removed (was " + shorten(was) + ")");
            } else if (was.contains("\n") || now.contains("\n")) {
                parts.add(attribute + " " + firstDifferentLine(was, now));
            } else {
                parts.add(attribute + " was " + shorten(was) + ", now " + shorten(now));
            }
        }
        return String.join("; ", parts);
    }

    private static String firstDifferentLine(String was, String now) {
        String[] before = was.split("\n", -1);
        String[] after = now.split("\n", -1);
        for (int line = 0; line < Math.max(before.length, after.length); line++) {
            String a = line < before.length ? before[line].strip() : "(no line)";
            String b = line < after.length ? after[line].strip() : "(no line)";
            if (!a.equals(b)) {
                return "changed at line " + (line + 1) + ": was " + shorten(a) + ", now " + shorten(b);
            }
        }
        return "changed in whitespace only";
    }

    static String shorten(String value) {
        String flat = value.strip().replaceAll("\\s+", " ");
        return flat.length() <= MAX_VALUE_LENGTH ? flat : flat.substring(0, MAX_VALUE_LENGTH - 1) + "…";
    }
}
