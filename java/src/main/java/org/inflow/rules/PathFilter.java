package org.inflow.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test on a name or a relative path, as bytes. Patterns given as Strings are taken in their
 * UTF-8 form and compared byte for byte (a glob's '?' is one byte), which is how the C locale
 * sees names that need not be UTF-8. Immutable and safe to share between threads.
 */
public abstract class PathFilter {
    PathFilter() {
    }

    /** Shell wildcards: {@code * ? [..] [!..] \x}; '*' does not cross '/', '**' does. The whole input must match. */
    public static PathFilter glob(String pattern, boolean ignoreCase) {
        return new GlobFilter(Bytes.utf8(pattern), ignoreCase);
    }

    public static PathFilter glob(byte[] pattern, boolean ignoreCase) {
        return new GlobFilter(pattern.clone(), ignoreCase);
    }

    /** A POSIX extended regular expression, searched anywhere in the input unless anchored. */
    public static PathFilter extendedRegex(String pattern, boolean ignoreCase) {
        return new RegexFilter(pattern, true, ignoreCase);
    }

    /** A POSIX basic regular expression (with the GNU escapes \+ \? \|), searched anywhere in the input. */
    public static PathFilter basicRegex(String pattern, boolean ignoreCase) {
        return new RegexFilter(pattern, false, ignoreCase);
    }

    /** Matches when any of the filters does (none: never). */
    public static PathFilter anyOf(List<PathFilter> filters) {
        return filters.size() == 1 ? filters.get(0) : new AnyOf(filters.toArray(new PathFilter[0]));
    }

    public static PathFilter anyOf(PathFilter... filters) {
        return anyOf(Arrays.asList(filters));
    }

    /** Matches when every filter does (none: always). */
    public static PathFilter allOf(List<PathFilter> filters) {
        return filters.size() == 1 ? filters.get(0) : new AllOf(filters.toArray(new PathFilter[0]));
    }

    public static PathFilter allOf(PathFilter... filters) {
        return allOf(Arrays.asList(filters));
    }

    public PathFilter negate() {
        return new Not(this);
    }

    /** For tools and tests; the matcher uses the allocation-free form. */
    public final boolean matches(byte[] input) {
        return matches(input, 0, input.length, new MatchScratch());
    }

    public final boolean matches(String input) {
        return matches(Bytes.utf8(input));
    }

    abstract boolean matches(byte[] b, int off, int len, MatchScratch scratch);

    /** Null when the filter cannot say which names it may match (then the index always asks it). */
    IndexKeys indexKeys() {
        return null;
    }

    private static final class Not extends PathFilter {
        private final PathFilter inner;

        Not(PathFilter inner) {
            this.inner = inner;
        }

        @Override
        boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
            return !inner.matches(b, off, len, scratch);
        }

        @Override
        public PathFilter negate() {
            return inner;
        }

        @Override
        public String toString() {
            return "!" + inner;
        }
    }

    private static final class AnyOf extends PathFilter {
        private final PathFilter[] filters;

        AnyOf(PathFilter[] filters) {
            this.filters = filters;
        }

        @Override
        boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
            for (PathFilter f : filters) {
                if (f.matches(b, off, len, scratch)) {
                    return true;
                }
            }
            return false;
        }

        /** Every child must narrow the names, else any name may match. */
        @Override
        IndexKeys indexKeys() {
            IndexKeys all = new IndexKeys();
            for (PathFilter f : filters) {
                IndexKeys k = f.indexKeys();
                if (k == null) {
                    return null;
                }
                all.addAll(k);
            }
            return filters.length == 0 ? null : all;
        }

        @Override
        public String toString() {
            return "any" + Arrays.toString(filters);
        }
    }

    private static final class AllOf extends PathFilter {
        private final PathFilter[] filters;

        AllOf(PathFilter[] filters) {
            this.filters = filters;
        }

        @Override
        boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
            for (PathFilter f : filters) {
                if (!f.matches(b, off, len, scratch)) {
                    return false;
                }
            }
            return true;
        }

        /** One narrowing child is enough: a match must pass it too. */
        @Override
        IndexKeys indexKeys() {
            for (PathFilter f : filters) {
                IndexKeys k = f.indexKeys();
                if (k != null) {
                    return k;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            for (PathFilter f : filters) {
                parts.add(f.toString());
            }
            return "all" + parts;
        }
    }
}
