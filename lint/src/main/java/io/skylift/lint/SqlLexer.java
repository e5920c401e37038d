package io.skylift.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits PostgreSQL script text into {@link Token}s the way PostgreSQL reads it: {@code --} and nested
 * {@code /* *&#47;} comments, {@code '…'} strings with {@code ''}, {@code E'…'} strings with backslash escapes,
 * {@code "quoted"} identifiers, {@code $tag$…$tag$} dollar quotes (function and {@code DO} bodies), and the data
 * lines of {@code COPY … FROM STDIN} up to {@code \.}; Flyway's {@code ${placeholder}} and a template's
 * {@code {{ expression }}} are names. Whatever is inside a string, body or comment becomes one token,
 * so no rule can mistake it for a keyword. Never fails: an unterminated string or comment runs to the end of the text.
 */
public final class SqlLexer {
    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Index in {@link #tokens} where the current statement began, to recognise {@code COPY … FROM STDIN}. */
    private int statementStart;

    private SqlLexer(String text) {
        this.text = text;
    }

    /** The tokens of {@code text}, comments included, in order. */
    public static List<Token> tokenize(String text) {
        SqlLexer lexer = new SqlLexer(text.startsWith("\uFEFF") ? text.substring(1) : text);
        lexer.run();
        return List.copyOf(lexer.tokens);
    }

    private void run() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            int start = pos;
            int startLine = line;
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                int end = text.indexOf('\n', pos);
                end = end < 0 ? text.length() : end;
                add(Token.Type.COMMENT, text.substring(pos + 2, end), startLine);
                pos = end;
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == '\'') {
                quoted('\'', false);
                add(Token.Type.STRING, text.substring(start, pos), startLine);
            } else if ((c == 'E' || c == 'e') && peek(1) == '\'') {
                pos++;
                quoted('\'', true);
                add(Token.Type.STRING, text.substring(start, pos), startLine);
            } else if ((c == 'U' || c == 'u') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
                char quote = peek(2);
                pos += 2;
                quoted(quote, false);
                add(quote == '\'' ? Token.Type.STRING : Token.Type.QUOTED_IDENTIFIER,
                        quote == '\'' ? text.substring(start, pos) : unquote(text.substring(start + 2, pos)), startLine);
            } else if ((c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') && peek(1) == '\'') {
                pos++;
                quoted('\'', false);
                add(Token.Type.STRING, text.substring(start, pos), startLine);
            } else if (c == '"') {
                quoted('"', false);
                add(Token.Type.QUOTED_IDENTIFIER, unquote(text.substring(start, pos)), startLine);
            } else if (c == '$' && peek(1) == '{') {
                // A Flyway placeholder outside a string: a name as far as the rules are concerned.
                int end = text.indexOf('}', pos);
                pos = end < 0 ? text.length() : end + 1;
                add(Token.Type.WORD, text.substring(start, pos), startLine);
            } else if (c == '{' && peek(1) == '{') {
                // A Go-template expression ({{ .Schema }}), as template-driven migration tools write schema names.
                int end = text.indexOf("}}", pos);
                pos = end < 0 ? text.length() : end + 2;
                add(Token.Type.WORD, text.substring(start, pos), startLine);
            } else if (c == '$' && dollarTag() != null) {
                dollarQuoted(dollarTag());
                add(Token.Type.STRING, text.substring(start, pos), startLine);
            } else if (isWordStart(c)) {
                while (pos < text.length() && isWordPart(text.charAt(pos))) {
                    pos++;
                }
                add(Token.Type.WORD, text.substring(start, pos).toUpperCase(Locale.ROOT), startLine);
            } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
                while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                        || text.charAt(pos) == '_')) {
                    pos++;
                }
                add(Token.Type.NUMBER, text.substring(start, pos), startLine);
            } else {
                pos++;
                switch (c) {
                    case '(' -> add(Token.Type.OPEN_PAREN, "(", startLine);
                    case ')' -> add(Token.Type.CLOSE_PAREN, ")", startLine);
                    case ',' -> add(Token.Type.COMMA, ",", startLine);
                    case ';' -> {
                        add(Token.Type.SEMICOLON, ";", startLine);
                        if (isCopyFromStdin()) {
                            skipCopyData();
                        }
                        statementStart = tokens.size();
                    }
                    default -> add(Token.Type.SYMBOL, String.valueOf(c), startLine);
                }
            }
        }
    }

    private char peek(int offset) {
        int at = pos + offset;
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void add(Token.Type type, String value, int tokenLine) {
        tokens.add(new Token(type, value, tokenLine));
    }

    private void blockComment() {
        int depth = 0;
        while (pos < text.length()) {
            if (text.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (text.startsWith("*/", pos)) {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                advance();
            }
        }
    }

    /** From an opening quote at {@code pos} past its closing quote; a doubled quote is part of the text. */
    private void quoted(char quote, boolean backslashEscapes) {
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (backslashEscapes && c == '\\') {
                pos++;
                advance();
            } else if (c == quote) {
                pos++;
                if (peek(0) != quote) {
                    return;
                }
                pos++;
            } else {
                advance();
            }
        }
    }

    /** {@code $tag$} (or {@code $$}) starting at {@code pos}, or null when the {@code $} starts no dollar quote. */
    private String dollarTag() {
        int end = pos + 1;
        if (end < text.length() && Character.isDigit(text.charAt(end))) {
            return null; // $1 is a parameter
        }
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        return end < text.length() && text.charAt(end) == '$' ? text.substring(pos, end + 1) : null;
    }

    private void dollarQuoted(String tag) {
        int close = text.indexOf(tag, pos + tag.length());
        int end = close < 0 ? text.length() : close + tag.length();
        while (pos < end) {
            advance();
        }
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
        }
        pos++;
    }

    private boolean isCopyFromStdin() {
        if (statementStart >= tokens.size() || !tokens.get(statementStart).is("COPY")) {
            return false;
        }
        for (int i = statementStart; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).is("FROM") && tokens.get(i + 1).is("STDIN")) {
                return true;
            }
        }
        return false;
    }

    /** The rest of the line after {@code ;}, then data lines up to and including a line {@code \.}. */
    private void skipCopyData() {
        int lineEnd = text.indexOf('\n', pos);
        if (lineEnd < 0) {
            pos = text.length();
            return;
        }
        pos = lineEnd;
        while (pos < text.length()) {
            advance(); // the newline
            int end = text.indexOf('\n', pos);
            end = end < 0 ? text.length() : end;
            boolean last = text.substring(pos, end).strip().equals("\\.");
            pos = end;
            if (last) {
                return;
            }
        }
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static String unquote(String quoted) {
        if (quoted.length() >= 2 && quoted.endsWith("\"")) {
            return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
        }
        return quoted.substring(1);
    }
}
