package org.inflow.dialect.pyconf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.inflow.dialect.pyconf.PyLexer.Kind;
import org.inflow.dialect.pyconf.PyLexer.Token;

/**
 * Reads the configuration files of inosync and inorun: Python modules that only assign literals.
 * Accepted: {@code NAME = VALUE} per logical line (or separated by ';'), where VALUE is a string,
 * number, True/False/None, list, tuple or dict, or strings joined with '+' (adjacent string
 * literals join too) whose operands may be names assigned earlier in the file. Anything else
 * (imports, calls, conditionals) is refused with the file, line and column. Python never runs.
 */
public final class PyConfigReader {
    private static final String ONLY = "only assignments of literals are supported";

    private final PyLexer lexer;
    private final Map<String, PyConfig.Assignment> assigned = new LinkedHashMap<>();
    private final String file;
    private Token tok;

    private PyConfigReader(String file, byte[] text) {
        this.file = file;
        this.lexer = new PyLexer(file, text);
    }

    public static PyConfig read(Path path) throws IOException, PyConfigError {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    /** @param file the name used in messages */
    public static PyConfig parse(String file, byte[] text) throws PyConfigError {
        PyConfigReader r = new PyConfigReader(file, text);
        r.file();
        return new PyConfig(file, r.assigned);
    }

    private void advance() throws PyConfigError {
        tok = lexer.next();
    }

    private PyConfigError error(Token at, String why) {
        return lexer.error(at.line, at.column, why);
    }

    private void file() throws PyConfigError {
        advance();
        while (tok.kind != Kind.END) {
            if (tok.kind == Kind.NEWLINE || tok.isOp(';')) {
                advance();
                continue;
            }
            statement();
            if (tok.kind != Kind.NEWLINE && tok.kind != Kind.END && !tok.isOp(';')) {
                throw error(tok, "unexpected " + tok.describe() + " after the value: " + ONLY);
            }
        }
    }

    private void statement() throws PyConfigError {
        Token name = tok;
        if (name.kind != Kind.NAME || isKeyword(name.text)) {
            throw error(name, "expected NAME = VALUE but found " + name.describe() + ": " + ONLY);
        }
        advance();
        if (!tok.isOp('=')) {
            if (tok.isOp('(')) {
                throw error(name, "found a call of '" + name.text + "': " + ONLY);
            }
            throw error(tok, "expected '=' after '" + name.text + "' but found " + tok.describe() + ": " + ONLY);
        }
        advance();
        Object value = expression();
        assigned.remove(name.text); // a reassignment moves the name to its new place
        assigned.put(name.text, new PyConfig.Assignment(name.text, value, name.line, name.column));
    }

    /** term ('+' term)* */
    private Object expression() throws PyConfigError {
        Token first = tok;
        Object v = term();
        while (tok.isOp('+')) {
            Token plus = tok;
            advance();
            Object right = term();
            v = add(v, right, plus, first);
        }
        return v;
    }

    private Object add(Object a, Object b, Token plus, Token first) throws PyConfigError {
        if (a instanceof PyStr && b instanceof PyStr) {
            return ((PyStr) a).concat((PyStr) b);
        }
        if (a instanceof Long && b instanceof Long) {
            return Math.addExact((Long) a, (Long) b);
        }
        if (a instanceof Number && b instanceof Number && !(a instanceof Boolean)) {
            return ((Number) a).doubleValue() + ((Number) b).doubleValue();
        }
        if (a instanceof List && b instanceof List && !(a instanceof PyTuple) && !(b instanceof PyTuple)) {
            List<Object> both = new ArrayList<>((List<?>) a);
            both.addAll((List<?>) b);
            return both;
        }
        throw error(plus, "cannot add " + PyConfig.typeName(a) + " and " + PyConfig.typeName(b));
    }

    private Object term() throws PyConfigError {
        Token t = tok;
        switch (t.kind) {
            case STRING: {
                PyStr s = (PyStr) t.value;
                advance();
                while (tok.kind == Kind.STRING) {
                    s = s.concat((PyStr) tok.value);
                    advance();
                }
                return s;
            }
            case NUMBER:
                advance();
                return t.value;
            case NAME:
                return name(t);
            case OP:
                if (t.isOp('-') || t.isOp('+')) {
                    advance();
                    Token n = tok;
                    if (n.kind != Kind.NUMBER) {
                        throw error(n, "expected a number after '" + t.text + "': " + ONLY);
                    }
                    advance();
                    if (t.isOp('+')) {
                        return n.value;
                    }
                    return n.value instanceof Long ? (Object) (-(Long) n.value) : (Object) (-(Double) n.value);
                }
                if (t.isOp('[')) {
                    advance();
                    return new ArrayList<>(items(']'));
                }
                if (t.isOp('(')) {
                    return parenthesized();
                }
                if (t.isOp('{')) {
                    return dict();
                }
                throw error(t, "unexpected " + t.describe() + ": " + ONLY);
            default:
                throw error(t, "expected a value but found " + t.describe());
        }
    }

    private Object name(Token t) throws PyConfigError {
        advance();
        if (tok.isOp('(')) {
            throw error(t, "found a call of '" + t.text + "': " + ONLY);
        }
        if (tok.isOp('.') || tok.isOp('[')) {
            throw error(tok, "found " + tok.describe() + " after '" + t.text + "': " + ONLY);
        }
        switch (t.text) {
            case "True":
                return Boolean.TRUE;
            case "False":
                return Boolean.FALSE;
            case "None":
                return PyConfig.NONE;
            default:
                break;
        }
        if (isKeyword(t.text)) {
            throw error(t, "found '" + t.text + "': " + ONLY);
        }
        PyConfig.Assignment earlier = assigned.get(t.text);
        if (earlier == null) {
            throw error(t, "name '" + t.text + "' is not assigned earlier in this file");
        }
        return earlier.value();
    }

    /** After '[' or '(': values separated by commas, an optional trailing comma, then `close`. */
    private List<Object> items(char close) throws PyConfigError {
        List<Object> out = new ArrayList<>();
        while (!tok.isOp(close)) {
            out.add(expression());
            if (tok.isOp(',')) {
                advance();
            } else if (!tok.isOp(close)) {
                throw error(tok, "expected ',' or '" + close + "' but found " + tok.describe());
            }
        }
        advance();
        return out;
    }

    /** (), (x) which is x, (x,) and (x, y, ...) which are tuples. */
    private Object parenthesized() throws PyConfigError {
        advance();
        if (tok.isOp(')')) {
            advance();
            return new PyTuple(List.of());
        }
        Object first = expression();
        if (tok.isOp(')')) {
            advance();
            return first;
        }
        if (!tok.isOp(',')) {
            throw error(tok, "expected ',' or ')' but found " + tok.describe());
        }
        advance();
        List<Object> rest = items(')');
        List<Object> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return new PyTuple(all);
    }

    private Object dict() throws PyConfigError {
        advance();
        Map<Object, Object> out = new LinkedHashMap<>();
        while (!tok.isOp('}')) {
            Token keyAt = tok;
            Object key = expression();
            if (key instanceof List || key instanceof Map) {
                throw error(keyAt, "a " + PyConfig.typeName(key) + " cannot be a dict key");
            }
            if (!tok.isOp(':')) {
                throw error(tok, "expected ':' after the dict key but found " + tok.describe());
            }
            advance();
            out.put(key, expression());
            if (tok.isOp(',')) {
                advance();
            } else if (!tok.isOp('}')) {
                throw error(tok, "expected ',' or '}' but found " + tok.describe());
            }
        }
        advance();
        return out;
    }

    private static boolean isKeyword(String w) {
        switch (w) {
            case "and": case "as": case "assert": case "async": case "await": case "break": case "class":
            case "continue": case "def": case "del": case "elif": case "else": case "except": case "exec":
            case "finally": case "for": case "from": case "global": case "if": case "import": case "in":
            case "is": case "lambda": case "nonlocal": case "not": case "or": case "pass": case "print":
            case "raise": case "return": case "try": case "while": case "with": case "yield":
                return true;
            default:
                return false;
        }
    }

    @Override
    public String toString() {
        return "PyConfigReader[" + file + "]";
    }
}
