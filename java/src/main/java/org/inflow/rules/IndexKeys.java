package org.inflow.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What a name filter tells the index: every name it can match is one of these names, or ends in
 * one of these extensions (the part after the last '.'). Keys compare with ASCII case folded, so a
 * hit is a candidate the filter still checks, never a verdict.
 */
final class IndexKeys {
    final List<byte[]> names = new ArrayList<>();
    final List<byte[]> extensions = new ArrayList<>();

    static IndexKeys name(byte[] name) {
        IndexKeys k = new IndexKeys();
        k.names.add(name);
        return k;
    }

    static IndexKeys extension(byte[] ext) {
        IndexKeys k = new IndexKeys();
        k.extensions.add(ext);
        return k;
    }

    IndexKeys addAll(IndexKeys other) {
        names.addAll(other.names);
        extensions.addAll(other.extensions);
        return this;
    }
}
