package io.skylift.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown pages, and whether each resolves: the file or folder exists and, for a {@code #anchor},
 * the page it names has a heading with that anchor as GitHub renders it. Links and headings inside fenced code blocks
 * and code spans are not links.
 */
final class MarkdownLinks {
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern EXTERNAL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /** A link that does not resolve: the page it is on, its line, the target as written and why. */
    record Broken(Path page, int line, String target, String why) {
        @Override
        public String toString() {
            return page + ":" + line + ": (" + target + ") " + why;
        }
    }

    /** Every relative link of {@code page} that does not resolve. */
    List<Broken> broken(Path page) {
        List<Broken> broken = new ArrayList<>();
        List<String> lines = prose(page);
        for (int i = 0; i < lines.size(); i++) {
            Matcher link = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (EXTERNAL.matcher(target).find()) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path file = path.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    broken.add(new Broken(page, i + 1, target, "no such file or folder " + file));
                } else if (hash >= 0 && !anchorsOf(file).contains(target.substring(hash + 1))) {
                    broken.add(new Broken(page, i + 1, target, "no heading with anchor #" + target.substring(hash + 1)
                            + " in " + file + " (it has " + anchorsOf(file) + ")"));
                }
            }
        }
        return broken;
    }

    /** The anchors of a page's headings as GitHub makes them: a repeated one gets {@code -1}, {@code -2}, .... */
    Set<String> anchorsOf(Path page) {
        return anchors.computeIfAbsent(page.toAbsolutePath().normalize(), file -> {
            Set<String> found = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            if (Files.isDirectory(file) || !file.toString().endsWith(".md")) {
                return found;
            }
            for (String line : prose(file)) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = slug(heading.group(1));
                    int count = seen.merge(slug, 1, Integer::sum);
                    found.add(count == 1 ? slug : slug + "-" + (count - 1));
                }
            }
            return found;
        });
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    /** The page's lines with fenced code blocks blanked (line numbers stay). */
    private static List<String> prose(Path page) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> prose = new ArrayList<>(lines.size());
        String fence = null;
        for (String line : lines) {
            String stripped = line.strip();
            if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
                fence = stripped.substring(0, 3);
                prose.add("");
            } else if (fence != null) {
                if (stripped.startsWith(fence)) {
                    fence = null;
                }
                prose.add("");
            } else {
                prose.add(line);
            }
        }
        return prose;
    }
}
