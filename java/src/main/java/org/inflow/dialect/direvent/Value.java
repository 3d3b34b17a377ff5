package org.inflow.dialect.direvent;

import java.util.List;

/** A statement's value: a string, a parenthesised list, or (several values in a row) an array. */
final class Value {
    enum Type { STRING, LIST, ARRAY }

    final Type type;
    /** For STRING: the text, one char per byte. */
    final String text;
    /** For LIST and ARRAY: the items. */
    final List<Value> items;
    final Locus locus;

    private Value(Type type, String text, List<Value> items, Locus locus) {
        this.type = type;
        this.text = text;
        this.items = items;
        this.locus = locus;
    }

    static Value string(String text, Locus at) {
        return new Value(Type.STRING, text, List.of(), at);
    }

    static Value list(List<Value> items, Locus at) {
        return new Value(Type.LIST, null, List.copyOf(items), at);
    }

    static Value array(List<Value> items, Locus at) {
        return new Value(Type.ARRAY, null, List.copyOf(items), at);
    }

    @Override
    public String toString() {
        return type == Type.STRING ? text : type + items.toString();
    }
}
