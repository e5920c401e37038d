package io.skylift.lint;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One SQL statement of a script, without its comments and terminating semicolon.
 *
 * @param tokens    the statement's tokens, never empty
 * @param line      1-based line of its first token
 * @param preceding the {@code --} comments on the lines between the previous statement and this one
 */
public record Statement(List<Token> tokens, int line, List<Token> preceding) {
    public Statement {
        tokens = List.copyOf(tokens);
        preceding = List.copyOf(preceding);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("a statement has at least one token");
        }
    }

    public int size() {
        return tokens.size();
    }

    public Token token(int index) {
        return tokens.get(index);
    }

    /** True when the tokens from {@code index} on are the unquoted words {@code keywords}. */
    public boolean matches(int index, String... keywords) {
        if (index < 0 || index + keywords.length > tokens.size()) {
            return false;
        }
        for (int i = 0; i < keywords.length; i++) {
            if (!tokens.get(index + i).is(keywords[i])) {
                return false;
            }
        }
        return true;
    }

    /** True when the statement starts with the words {@code keywords}. */
    public boolean startsWith(String... keywords) {
        return matches(0, keywords);
    }

    /** Index of the first unquoted {@code keyword} at parenthesis depth 0 from {@code from}, or -1. */
    public int indexOf(String keyword, int from) {
        int depth = 0;
        for (int i = Math.max(0, from); i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.type() == Token.Type.OPEN_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.CLOSE_PAREN) {
                depth--;
            } else if (depth == 0 && token.is(keyword)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The (possibly schema-qualified) name starting at {@code index}, as PostgreSQL folds it: unquoted parts in
     * lower case, quoted parts as written; null when no name starts there.
     */
    public QualifiedName nameAt(int index) {
        if (index < 0 || index >= tokens.size() || !tokens.get(index).isName()) {
            return null;
        }
        StringBuilder name = new StringBuilder(fold(tokens.get(index)));
        int end = index + 1;
        while (end + 1 < tokens.size() && tokens.get(end).value().equals(".") && tokens.get(end + 1).isName()) {
            name.append('.').append(fold(tokens.get(end + 1)));
            end += 2;
        }
        return new QualifiedName(name.toString(), end);
    }

    /** The statement's text, tokens joined by spaces: for messages. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Token token : tokens) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(token.value());
        }
        return out.toString();
    }

    private static String fold(Token token) {
        boolean placeholder = token.value().startsWith("${") || token.value().startsWith("{{");
        return token.type() == Token.Type.WORD && !placeholder ? token.value().toLowerCase(Locale.ROOT) : token.value();
    }

    /**
     * A name and the index of the token after it.
     *
     * @param name schema-qualified as written, e.g. {@code public.orders}
     * @param next index of the first token after the name
     */
    public record QualifiedName(String name, int next) {
        public QualifiedName {
            Objects.requireNonNull(name, "name must not be null");
        }

        /** The last part: {@code orders} of {@code public.orders}. */
        public String simpleName() {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
