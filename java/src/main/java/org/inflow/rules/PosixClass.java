package org.inflow.rules;

/** The POSIX character classes ([:alpha:] ...) in the C locale: ASCII only, as bytes. */
final class PosixClass {
    private static final String[] NAMES = {"alpha", "digit", "alnum", "upper", "lower", "space", "blank",
        "punct", "print", "graph", "cntrl", "xdigit"};
    /** java.util.regex's names for the same ASCII sets. */
    private static final String[] JAVA = {"Alpha", "Digit", "Alnum", "Upper", "Lower", "Space", "Blank",
        "Punct", "Print", "Graph", "Cntrl", "XDigit"};

    private PosixClass() {
    }

    /** The \p{..} form, or null for a name POSIX does not define. */
    static String javaName(String name) {
        int i = indexOf(name);
        return i < 0 ? null : "\\p{" + JAVA[i] + "}";
    }

    static boolean known(String name) {
        return indexOf(name) >= 0;
    }

    static boolean contains(String name, int c) {
        switch (name) {
            case "alpha": return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            case "digit": return c >= '0' && c <= '9';
            case "alnum": return contains("alpha", c) || contains("digit", c);
            case "upper": return c >= 'A' && c <= 'Z';
            case "lower": return c >= 'a' && c <= 'z';
            case "space": return c == ' ' || c >= 9 && c <= 13;
            case "blank": return c == ' ' || c == '\t';
            case "punct": return c > 32 && c < 127 && !contains("alnum", c);
            case "print": return c >= 32 && c < 127;
            case "graph": return c > 32 && c < 127;
            case "cntrl": return c < 32 || c == 127;
            case "xdigit": return contains("digit", c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            default: return false;
        }
    }

    private static int indexOf(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
