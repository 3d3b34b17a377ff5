package org.inflow.dialect.direvent;

/** One token of the configuration language; text holds one char per byte of the file. */
final class Token {
    enum Kind {
        IDENT("IDENT"), STRING("STRING"), QSTRING("QSTRING"), MSTRING("MSTRING"),
        SEMI("';'"), COMMA("','"), LBRACE("'{'"), RBRACE("'}'"), LPAREN("'('"), RPAREN("')'"), EOF("$end");

        /** As bison names it in "unexpected X". */
        final String shown;

        Kind(String shown) {
            this.shown = shown;
        }
    }

    final Kind kind;
    final String text;
    final Locus locus;

    Token(Kind kind, String text, Locus locus) {
        this.kind = kind;
        this.text = text;
        this.locus = locus;
    }

    boolean isValue() {
        return kind == Kind.IDENT || kind == Kind.STRING || kind == Kind.QSTRING || kind == Kind.MSTRING;
    }

    @Override
    public String toString() {
        return kind + "(" + text + ")@" + locus;
    }
}
