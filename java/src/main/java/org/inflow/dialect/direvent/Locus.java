package org.inflow.dialect.direvent;

/** Where a piece of configuration text is: file, first and last line and column (1-based, inclusive). */
public final class Locus {
    final String file;
    final int line1;
    final int col1;
    final int line2;
    final int col2;

    Locus(String file, int line1, int col1, int line2, int col2) {
        this.file = file;
        this.line1 = line1;
        this.col1 = col1;
        this.line2 = line2;
        this.col2 = col2;
    }

    static Locus point(String file, int line, int col) {
        return new Locus(file, line, col, line, col);
    }

    /** From the start of this to the end of that. */
    Locus to(Locus end) {
        return new Locus(file, line1, col1, end.line2, end.col2);
    }

    /** The grecs notation: FILE:LINE.COL, FILE:LINE.COL-COL or FILE:LINE.COL-LINE.COL. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file).append(':').append(line1).append('.').append(col1);
        if (line2 != line1) {
            s.append('-').append(line2).append('.').append(col2);
        } else if (col2 != col1) {
            s.append('-').append(col2);
        }
        return s.toString();
    }
}
