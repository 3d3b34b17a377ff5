package org.inflow.dialect.direvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a direvent (grecs) configuration into tokens, with the pre-processor lines done on the way:
 * #include and #include_once (searched in the -I directories, the working directory, the standard
 * directories), #line. Comments are #, // and C style; a '#' opens a comment even inside an unquoted
 * word, and a word starting with // is a comment, as in grecs. Text is kept one char per byte.
 */
final class ConfigLexer {
    /** Where direvent 5.2 (Debian) looks after the -I directories. */
    static final List<Path> STANDARD_INCLUDE = List.of(Path.of("/usr/share/direvent/5.2"), Path.of("/usr/share/direvent/include"));

    private final List<Path> includeDirs;
    private final Diagnostics diag;
    private final List<Token> out = new ArrayList<>();
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Set<Object> seen = new HashSet<>();
    private Locus end;

    ConfigLexer(List<Path> includeDirs, Diagnostics diag) {
        this.includeDirs = includeDirs;
        this.diag = diag;
    }

    /** Tokens of the file and what it includes, ending with one EOF token. */
    List<Token> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            diag.fatal("Cannot stat `" + file + "': " + reason(e));
            out.add(new Token(Token.Kind.EOF, "", Locus.point(file.toString(), 1, 1)));
            return out;
        }
        lexFile(file, bytes);
        out.add(new Token(Token.Kind.EOF, "", end));
        return out;
    }

    /** Tokens of configuration text given directly (tests). */
    List<Token> read(String name, byte[] text) {
        lexFile(Path.of(name), text);
        out.add(new Token(Token.Kind.EOF, "", end));
        return out;
    }

    private void lexFile(Path file, byte[] bytes) {
        Object key = identity(file);
        if (stack.contains(key)) {
            return; // reported by the includer
        }
        stack.push(key);
        seen.add(key);
        Scanner sc = new Scanner(file.toString(), new String(bytes, StandardCharsets.ISO_8859_1));
        sc.run();
        end = sc.endLocus();
        stack.pop();
    }

    private static Object identity(Path file) {
        try {
            Object k = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (k != null) {
                return k;
            }
        } catch (IOException ignored) {
            // fall back to the name
        }
        return file.toAbsolutePath().normalize().toString();
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }

    private final class Scanner {
        private String file;
        private final String s;
        private int pos;
        private int line = 1;
        private int col = 1;
        /** What was skipped last (blank or comment): bison's locus for an unexpected end of file. */
        private Locus skipped;
        private int tokensBefore;

        Scanner(String file, String text) {
            this.file = file;
            this.s = text;
        }

        private char peek(int ahead) {
            int i = pos + ahead;
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private boolean atEnd() {
            return pos >= s.length();
        }

        private char next() {
            char c = s.charAt(pos++);
            if (c == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
            return c;
        }

        private boolean lineStart() {
            for (int i = pos - 1; i >= 0; i--) {
                char c = s.charAt(i);
                if (c == '\n') {
                    return true;
                }
                if (c != ' ' && c != '\t') {
                    return false;
                }
            }
            return true;
        }

        private String restOfLine() {
            StringBuilder b = new StringBuilder();
            while (!atEnd() && peek(0) != '\n') {
                b.append(next());
            }
            return b.toString();
        }

        void run() {
            while (!atEnd()) {
                char c = peek(0);
                int l0 = line;
                int c0 = col;
                if (c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n') {
                    next();
                    skip(Locus.point(file, l0, c0));
                } else if (c == '#') {
                    if (lineStart()) {
                        int at = line;
                        directive(restOfLine(), at);
                    } else {
                        lineComment(l0, c0);
                    }
                } else if (c == '/' && peek(1) == '/') {
                    lineComment(l0, c0);
                } else if (c == '/' && peek(1) == '*') {
                    blockComment();
                    skip(new Locus(file, l0, c0, line, col - 1));
                } else if (c == '"') {
                    quoted();
                } else if (c == '<' && peek(1) == '<') {
                    heredoc();
                } else if (isWordStart(c)) {
                    word();
                } else if ("{};,()".indexOf(c) >= 0) {
                    Locus at = Locus.point(file, line, col);
                    next();
                    out.add(new Token(punct(c), String.valueOf(c), at));
                } else {
                    diag.fatal(Locus.point(file, line, col), "stray character " + c);
                    next();
                }
            }
        }

        /** A comment to the end of the line, its newline included (as grecs' rule has it). */
        private void lineComment(int l0, int c0) {
            restOfLine();
            Locus at = new Locus(file, l0, c0, line, col);
            if (!atEnd()) {
                next();
            }
            skip(at);
        }

        private void skip(Locus at) {
            skipped = at;
            tokensBefore = out.size();
        }

        /** Where the end of the file is, as bison reports it: what was skipped after the last token. */
        Locus endLocus() {
            if (skipped != null && tokensBefore == out.size()) {
                return skipped;
            }
            return out.isEmpty() ? Locus.point(file, line, col) : out.get(out.size() - 1).locus;
        }

        private Token.Kind punct(char c) {
            switch (c) {
                case '{': return Token.Kind.LBRACE;
                case '}': return Token.Kind.RBRACE;
                case ';': return Token.Kind.SEMI;
                case ',': return Token.Kind.COMMA;
                case '(': return Token.Kind.LPAREN;
                default: return Token.Kind.RPAREN;
            }
        }

        private void blockComment() {
            next();
            next();
            while (!atEnd() && !(peek(0) == '*' && peek(1) == '/')) {
                next();
            }
            if (!atEnd()) {
                next();
                next();
            }
        }

        private void word() {
            int l = line;
            int c0 = col;
            StringBuilder b = new StringBuilder();
            b.append(next());
            // grecs keeps "/*" a comment opener by refusing '*' as a word's second character
            while (!atEnd() && isWordChar(peek(0)) && !(b.length() == 1 && peek(0) == '*')) {
                b.append(next());
            }
            String w = b.toString();
            out.add(new Token(isIdent(w) ? Token.Kind.IDENT : Token.Kind.STRING, w, new Locus(file, l, c0, l, col - 1)));
        }

        private void quoted() {
            int l = line;
            int c0 = col;
            int p0 = pos;
            StringBuilder b = new StringBuilder();
            next();
            while (true) {
                if (atEnd() || peek(0) == '\n') {
                    // grecs has no rule for it: the quote is a stray character and the rest lexes anew
                    diag.fatal(Locus.point(file, l, c0), "stray character \"");
                    pos = p0 + 1;
                    line = l;
                    col = c0 + 1;
                    return;
                }
                char c = next();
                if (c == '"') {
                    break;
                }
                if (c == '\\' && !atEnd()) {
                    char e = next();
                    if (!appendEscape(b, e)) {
                        // grecs reports it from the opening quote to the escaped character
                        diag.warning(new Locus(file, l, c0, line, col - 1), "unknown escape sequence: '\\" + e + "'");
                    }
                } else {
                    b.append(c);
                }
            }
            Locus at = new Locus(file, l, c0, line, col - 1);
            out.add(new Token(Token.Kind.QSTRING, b.toString(), at));
        }

        private void heredoc() {
            int l = line;
            int c0 = col;
            next();
            next();
            boolean stripTabs = false;
            boolean stripAll = false;
            if (peek(0) == '-') {
                next();
                if (peek(0) == ' ') {
                    next();
                    stripAll = true;
                } else {
                    stripTabs = true;
                }
            }
            boolean literal = false;
            String marker;
            if (peek(0) == '\\') {
                next();
                literal = true;
                marker = restOfLine().trim();
            } else if (peek(0) == '"') {
                next();
                literal = true;
                String rest = restOfLine();
                int q = rest.indexOf('"');
                marker = q >= 0 ? rest.substring(0, q) : rest.trim();
            } else {
                marker = restOfLine().trim();
            }
            int sp = marker.indexOf(' ');
            if (sp >= 0) {
                marker = marker.substring(0, sp);
            }
            if (marker.isEmpty()) {
                diag.fatal(Locus.point(file, l, c0), "missing here-document marker");
                return;
            }
            if (!atEnd()) {
                next(); // the newline ending the <<WORD line
            }
            StringBuilder body = new StringBuilder();
            boolean closed = false;
            while (!atEnd()) {
                String ln = restOfLine();
                boolean nl = !atEnd();
                if (nl) {
                    next();
                }
                String t = ln;
                if (stripAll) {
                    t = t.stripLeading();
                } else if (stripTabs) {
                    int i = 0;
                    while (i < t.length() && t.charAt(i) == '\t') {
                        i++;
                    }
                    t = t.substring(i);
                }
                if (t.equals(marker) || t.equals(marker + ";")) {
                    closed = true;
                    Locus at = new Locus(file, l, c0, line - (nl ? 1 : 0), Math.max(1, ln.length()));
                    out.add(new Token(Token.Kind.MSTRING, literal ? body.toString() : unescape(body.toString(), at), at));
                    if (t.endsWith(";") && !marker.endsWith(";")) {
                        out.add(new Token(Token.Kind.SEMI, ";", Locus.point(file, line - (nl ? 1 : 0), ln.length())));
                    }
                    break;
                }
                body.append(t).append('\n');
            }
            if (!closed) {
                diag.fatal(Locus.point(file, l, c0), "unterminated here-document (missing " + marker + ")");
            }
        }

        /**
         * Appends what grecs makes of backslash-e in quoted strings and here-documents alike; an
         * escape it does not know stands for e itself, and false tells the caller to warn.
         */
        private static boolean appendEscape(StringBuilder b, char e) {
            switch (e) {
                case 'a': b.append('\u0007'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'v': b.append('\u000b'); break;
                case '\\': b.append('\\'); break;
                case '"': b.append('"'); break;
                case '\n': break;
                default:
                    b.append(e);
                    return false;
            }
            return true;
        }

        private String unescape(String text, Locus at) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\\' || i + 1 == text.length()) {
                    b.append(c);
                    continue;
                }
                char e = text.charAt(++i);
                if (!appendEscape(b, e)) {
                    diag.warning(at, "unknown escape sequence: '\\" + e + "'");
                }
            }
            return b.toString();
        }

        /** A line whose first non-blank character is '#': a pre-processor directive or a comment. */
        private void directive(String text, int at) {
            String t = text.strip();
            if (t.startsWith("#include_once") && (t.length() == 13 || !isWordChar(t.charAt(13)))) {
                include(t, at, true);
            } else if (t.startsWith("#include") && (t.length() == 8 || !isWordChar(t.charAt(8)))) {
                include(t, at, false);
            } else if (t.startsWith("#line ") || t.matches("#\\s*[0-9]+(\\s.*)?")) {
                List<String> w = shellWords(t.startsWith("#line") ? t.substring(5) : t.substring(1));
                if (w != null && !w.isEmpty()) {
                    try {
                        int n = Integer.parseInt(w.get(0));
                        // the next line is line n
                        line = n - 1;
                        if (w.size() > 1) {
                            file = w.get(1);
                        }
                    } catch (NumberFormatException ignored) {
                        // a comment after all
                    }
                }
            } else if (t.matches("#\\s+include(_once)?(\\s.*)?")) {
                diag.fatal(file, at, "invalid include statement");
            }
        }

        private void include(String text, int at, boolean once) {
            List<String> w = shellWords(text);
            if (w == null || w.size() != 2) {
                diag.fatal(file, at, "invalid include statement");
                return;
            }
            String name = w.get(1);
            boolean angle = false;
            if (name.startsWith("<") && name.endsWith(">") && name.length() > 2) {
                name = name.substring(1, name.length() - 1);
                angle = true;
            }
            List<Path> found = new ArrayList<>();
            if (name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0) {
                found.addAll(glob(name));
            } else if (name.startsWith("/")) {
                Path p = Path.of(name);
                if (!Files.exists(p)) {
                    diag.fatal(file, at, "Cannot stat `" + name + "': No such file or directory");
                    return;
                }
                found.add(p);
            } else {
                List<Path> dirs = new ArrayList<>(includeDirs);
                if (!angle) {
                    dirs.add(Path.of("."));
                }
                dirs.addAll(STANDARD_INCLUDE);
                for (Path d : dirs) {
                    Path p = d.resolve(name);
                    if (Files.isRegularFile(p)) {
                        found.add(p);
                        break;
                    }
                }
                if (found.isEmpty()) {
                    diag.fatal(file, at, name + ": No such file or directory");
                    return;
                }
            }
            for (Path p : found) {
                Object key = identity(p);
                if (stack.contains(key)) {
                    diag.fatal(file, at, "Recursive inclusion");
                    continue;
                }
                if (once && seen.contains(key)) {
                    continue;
                }
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(p);
                } catch (IOException e) {
                    diag.fatal(file, at, p + ": " + reason(e));
                    continue;
                }
                lexFile(p, bytes);
            }
        }

        private List<Path> glob(String pattern) {
            Path p = Path.of(pattern);
            Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
            String leaf = p.getFileName().toString();
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, leaf)) {
                for (Path x : ds) {
                    out.add(p.getParent() == null ? x.getFileName() : x);
                }
            } catch (IOException | RuntimeException e) {
                return out;
            }
            out.sort(null);
            return out;
        }
    }

    /** Splits a directive shell-style: blanks separate, quotes group. Null on an unclosed quote. */
    static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    w.append(text.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == ' ' || c == '\t') {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                if (w == null) {
                    w = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '\\' && i + 1 < text.length()) {
                    w.append(text.charAt(++i));
                } else {
                    w.append(c);
                }
            }
        }
        if (quote != 0) {
            return null;
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    static boolean isWordStart(char c) {
        return isWordChar(c);
    }

    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '*' || c == '/' || c == ':' || c == '@' || c == '[' || c == ']' || c == '-';
    }

    static boolean isIdent(String w) {
        char c = w.charAt(0);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
            return false;
        }
        for (int i = 1; i < w.length(); i++) {
            c = w.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
