package org.inflow.dialect.pyconf;

import java.util.AbstractList;
import java.util.List;

/** A tuple: a list that says it was written with parentheses (for messages only). */
final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(List<Object> items) {
        this.items = items.toArray();
    }

    @Override
    public Object get(int i) {
        return items[i];
    }

    @Override
    public int size() {
        return items.length;
    }
}
