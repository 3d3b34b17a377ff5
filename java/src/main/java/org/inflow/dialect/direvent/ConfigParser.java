package org.inflow.dialect.direvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The grecs grammar over the lexer's tokens. Adjacent quoted strings are one value (direvent 5.2
 * turns that grecs option on). A syntax error ends the parse, as bison without error recovery does,
 * and is fatal.
 */
final class ConfigParser {
    private final List<Token> tokens;
    private final Diagnostics diag;
    private int at;

    private static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError() {
            super(null, null, false, false);
        }
    }

    ConfigParser(List<Token> tokens, Diagnostics diag) {
        this.tokens = tokens;
        this.diag = diag;
    }

    /** The top-level statements; empty (and a fatal diagnostic) after a syntax error. */
    List<Statement> parse() {
        try {
            List<Statement> out = new ArrayList<>();
            while (peek().kind != Token.Kind.EOF) {
                out.add(statement(false));
            }
            return out;
        } catch (SyntaxError e) {
            return List.of();
        }
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        Token t = tokens.get(at);
        if (t.kind != Token.Kind.EOF) {
            at++;
        }
        return t;
    }

    private SyntaxError unexpected(Token t, String expecting) {
        diag.fatal(t.locus, "syntax error, unexpected " + t.kind.shown + (expecting == null ? "" : ", expecting " + expecting));
        return new SyntaxError();
    }

    private Statement statement(boolean inBlock) {
        Token kw = take();
        if (kw.kind != Token.Kind.IDENT) {
            throw unexpected(kw, inBlock && kw.kind == Token.Kind.EOF ? "IDENT or '}'" : "IDENT");
        }
        List<Value> values = new ArrayList<>();
        while (peek().isValue() || peek().kind == Token.Kind.LPAREN) {
            values.add(value());
        }
        Value v = null;
        if (values.size() == 1) {
            v = values.get(0);
        } else if (values.size() > 1) {
            v = Value.array(values, values.get(0).locus.to(values.get(values.size() - 1).locus));
        }
        Token t = take();
        if (t.kind == Token.Kind.SEMI) {
            return new Statement(kw.text, kw.locus, v, null, kw.locus.to(t.locus));
        }
        if (t.kind != Token.Kind.LBRACE) {
            throw unexpected(t, "'{'");
        }
        List<Statement> body = new ArrayList<>();
        do {
            body.add(statement(true));
        } while (peek().kind != Token.Kind.RBRACE);
        Token close = take();
        if (peek().kind == Token.Kind.SEMI) {
            take();
        }
        return new Statement(kw.text, kw.locus, v, body, kw.locus.to(close.locus));
    }

    private Value value() {
        Token t = take();
        if (t.kind == Token.Kind.QSTRING) {
            StringBuilder b = new StringBuilder(t.text);
            Locus end = t.locus;
            while (peek().kind == Token.Kind.QSTRING) {
                Token more = take();
                b.append(more.text);
                end = more.locus;
            }
            return Value.string(b.toString(), t.locus.to(end));
        }
        if (t.isValue()) {
            return Value.string(t.text, t.locus);
        }
        // a list
        List<Value> items = new ArrayList<>();
        if (peek().kind == Token.Kind.RPAREN) {
            return Value.list(items, t.locus.to(take().locus));
        }
        while (true) {
            Token n = peek();
            if (!(n.isValue() || n.kind == Token.Kind.LPAREN)) {
                throw unexpected(n, null);
            }
            items.add(value());
            Token sep = take();
            if (sep.kind == Token.Kind.RPAREN) {
                return Value.list(items, t.locus.to(sep.locus));
            }
            if (sep.kind != Token.Kind.COMMA) {
                throw unexpected(sep, "',' or ')'");
            }
            if (peek().kind == Token.Kind.RPAREN) {
                return Value.list(items, t.locus.to(take().locus));
            }
        }
    }
}
