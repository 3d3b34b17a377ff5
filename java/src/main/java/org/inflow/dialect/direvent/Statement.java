package org.inflow.dialect.direvent;

import java.util.List;

/** keyword [value] ';' or keyword [value] '{' statements '}'. */
final class Statement {
    final String keyword;
    final Locus keywordLocus;
    /** Null when the statement has no value; an ARRAY when it has several. */
    final Value value;
    /** Null for a simple statement. */
    final List<Statement> block;
    /** From the keyword to the ';' or '}' that ends the statement. */
    final Locus locus;

    Statement(String keyword, Locus keywordLocus, Value value, List<Statement> block, Locus locus) {
        this.keyword = keyword;
        this.keywordLocus = keywordLocus;
        this.value = value;
        this.block = block;
        this.locus = locus;
    }
}
