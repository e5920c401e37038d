package io.skylift.lint;

/**
 * One lexical token of a SQL script.
 *
 * @param type  what kind of token
 * @param value {@link Type#WORD}: upper-cased; {@link Type#QUOTED_IDENTIFIER}: the name without quotes, case kept;
 *              {@link Type#COMMENT}: the comment's text after {@code --}; otherwise the source text
 * @param line  1-based line where the token starts
 */
public record Token(Type type, String value, int line) {

    public enum Type {
        /** An unquoted identifier or keyword, also {@code ${placeholder}}. */
        WORD,
        /** {@code "Name"}. */
        QUOTED_IDENTIFIER,
        /** Any string constant: {@code '…'}, {@code E'…'}, {@code U&'…'}, {@code B'…'}, {@code $tag$…$tag$}. */
        STRING,
        NUMBER,
        /** Punctuation and operators other than the ones below. */
        SYMBOL,
        OPEN_PAREN,
        CLOSE_PAREN,
        COMMA,
        SEMICOLON,
        /** A {@code --} comment (block comments are dropped). */
        COMMENT
    }

    /** True for an unquoted word equal to {@code keyword} (upper case). */
    public boolean is(String keyword) {
        return type == Type.WORD && value.equals(keyword);
    }

    /** True for a name: an unquoted word or a quoted identifier. */
    public boolean isName() {
        return type == Type.WORD || type == Type.QUOTED_IDENTIFIER;
    }
}
