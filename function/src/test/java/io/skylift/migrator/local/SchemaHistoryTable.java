package io.skylift.migrator.local;

import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.migration.MigrationSummary;
import java.util.ArrayList;
import java.util.List;

/** The schema history as a plain-text table: version, description, type, state, installed on, time. */
final class SchemaHistoryTable {
    private static final String[] HEADERS = {"Version", "Description", "Type", "State", "Installed on", "Time (ms)"};

    private SchemaHistoryTable() {
    }

    static String render(MigrationReport info) {
        List<String[]> rows = new ArrayList<>();
        for (MigrationSummary m : info.applied()) {
            rows.add(row(m));
        }
        for (MigrationSummary m : info.pending()) {
            rows.add(row(m));
        }
        int[] widths = new int[HEADERS.length];
        for (int c = 0; c < HEADERS.length; c++) {
            widths[c] = HEADERS[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        String rule = rule(widths);
        out.append(rule).append(line(HEADERS, widths)).append(rule);
        rows.forEach(row -> out.append(line(row, widths)));
        if (rows.isEmpty()) {
            out.append("| (no migrations)\n");
        }
        out.append(rule);
        return out.toString();
    }

    private static String[] row(MigrationSummary m) {
        return new String[] {
            m.version() == null ? "" : m.version(),
            m.description() == null ? "" : m.description(),
            m.type() == null ? "" : m.type(),
            m.state() == null ? "" : m.state(),
            m.installedOn() == null ? "" : m.installedOn().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z"),
            m.executionTimeMs() == null ? "" : Integer.toString(m.executionTimeMs())
        };
    }

    private static String rule(int[] widths) {
        StringBuilder out = new StringBuilder("+");
        for (int width : widths) {
            out.append("-".repeat(width + 2)).append('+');
        }
        return out.append('\n').toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder out = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            out.append(' ').append(cells[c]).append(" ".repeat(widths[c] - cells[c].length())).append(" |");
        }
        return out.append('\n').toString();
    }
}
