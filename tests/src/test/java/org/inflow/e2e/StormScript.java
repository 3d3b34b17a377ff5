package org.inflow.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Generates a seeded random storm of file operations as a /bin/sh script, so it runs at the speed
 * of real commands (mkdir -p, mv, cp -a, rm -rf, shell redirections), and keeps a model of the
 * tree to pick valid targets. The script works in three places: $R (the watched root, the
 * script's working directory), $O (outside: where subtrees are moved out to) and $S (outside:
 * the source tree that `cp -a` copies in).
 *
 * <p>New names are unique (a letter and a sequence number), except where an operation re-uses a
 * name on purpose: "recreate" (rm -rf A, then mkdir A) and "replace" (mv A elsewhere, then
 * mkdir A), which real tools do all the time.
 */
final class StormScript {
    static final class Node {
        String name;
        Node parent;
        final boolean dir;
        final Map<String, Node> kids;
        boolean alive = true;

        Node(Node parent, String name, boolean dir) {
            this.parent = parent;
            this.name = name;
            this.dir = dir;
            this.kids = dir ? new LinkedHashMap<>() : null;
            if (parent != null) {
                parent.kids.put(name, this);
            }
        }
    }

    private final Random rnd;
    final Node root = new Node(null, ".", true);
    private final Node outTop = new Node(null, "$O", true);
    private final Node srcTop = new Node(null, "$S", true);
    private final ArrayList<Node> dirs = new ArrayList<>();
    private final ArrayList<Node> files = new ArrayList<>();
    private final List<Node> outside = new ArrayList<>();
    private final List<Node> topDirs = new ArrayList<>();
    private final StringBuilder sh = new StringBuilder();
    final Map<String, Integer> opCounts = new TreeMap<>();
    private int seq;
    private int lines;
    /** When set, a sleep of this many seconds before each operation on a moved-out subtree (a diagnostic knob). */
    private String outsidePause;
    private boolean moveOutOn = true;

    StormScript(long seed) {
        this.rnd = new Random(seed);
    }

    /**
     * Puts `sleep seconds` before each operation on a subtree that was moved out (a write into it,
     * its move back in), so none happens while its way out may still be pending in the watcher.
     * A diagnostic: it tells failures of that case from the others.
     */
    void outsidePause(String seconds) {
        this.outsidePause = seconds;
    }

    /** false: no subtree leaves the tree (no move out, back in, write outside): a diagnostic knob. */
    void allowMoveOut(boolean on) {
        this.moveOutOn = on;
    }

    private String pause() {
        return outsidePause == null ? "" : "sleep " + outsidePause + " && ";
    }

    // ------------------------------------------------------------------ trees on disk

    /**
     * Creates ndirs directories below `dir` (breadth first, fan-out 10: d0..d9 in each) with
     * filesPerDir empty files (f0, f1, ...) in `dir` and each of them, on disk and in the model.
     */
    void buildRootTree(Path dir, int ndirs, int filesPerDir) throws IOException {
        build(dir, root, ndirs, filesPerDir, true);
        for (Node n : root.kids.values()) {
            if (n.dir) {
                topDirs.add(n);
            }
        }
    }

    void buildSourceTree(Path dir, int ndirs, int filesPerDir) throws IOException {
        build(dir, srcTop, ndirs, filesPerDir, false);
    }

    private void build(Path dir, Node top, int ndirs, int filesPerDir, boolean register) throws IOException {
        ArrayDeque<Node> queue = new ArrayDeque<>();
        ArrayDeque<Path> paths = new ArrayDeque<>();
        queue.add(top);
        paths.add(dir);
        int made = 0;
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            Path p = paths.poll();
            for (int f = 0; f < filesPerDir; f++) {
                String name = "f" + f;
                Files.createFile(p.resolve(name)); // empty: no data blocks, a quick set-up
                Node file = new Node(n, name, false);
                if (register) {
                    files.add(file);
                }
            }
            for (int i = 0; i < 10 && made < ndirs; i++, made++) {
                String name = "d" + i;
                Path c = Files.createDirectory(p.resolve(name));
                Node child = new Node(n, name, true);
                if (register) {
                    dirs.add(child);
                }
                queue.add(child);
                paths.add(c);
            }
        }
    }

    // ------------------------------------------------------------------ the storm

    /** Writes the script: `ops` random operations, `copies` cp -a of the source tree, `bigOps` rounds of big subtree operations. */
    void generate(Path script, Path rootDir, Path outDir, Path srcDir, int ops, int copies, int bigOps) throws IOException {
        for (Path p : List.of(rootDir, outDir, srcDir)) {
            if (p.toString().contains("'")) {
                throw new IllegalArgumentException("quote in " + p);
            }
        }
        sh.append("#!/bin/sh\n# inflow storm: generated by StormScript; runs in the watched root\n");
        sh.append("R='").append(rootDir).append("'\nO='").append(outDir).append("'\nS='").append(srcDir).append("'\n");
        sh.append("cd \"$R\" || exit 1\n");
        int[] copyAt = new int[copies];
        for (int i = 0; i < copies; i++) {
            copyAt[i] = rnd.nextInt(ops);
        }
        int[] bigAt = new int[bigOps * 3];
        for (int i = 0; i < bigAt.length; i++) {
            bigAt[i] = rnd.nextInt(ops);
        }
        List<Node> bigOut = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            for (int c : copyAt) {
                if (c == i) {
                    copyIn();
                }
            }
            for (int b = 0; b < bigAt.length; b++) {
                if (bigAt[b] == i) {
                    bigOp(b % 3 == 1 && !moveOutOn ? 0 : b % 3, bigOut);
                }
            }
            // a big subtree moved out comes back some hundreds of operations later
            if (!bigOut.isEmpty() && rnd.nextInt(300) == 0) {
                moveBackIn(bigOut.remove(0));
            }
            randomOp();
        }
        for (Node n : bigOut) {
            moveBackIn(n);
        }
        Files.writeString(script, sh, StandardCharsets.US_ASCII);
    }

    int lines() {
        return lines;
    }

    /** The operation mix, in percent (they add up to 100). */
    private void randomOp() {
        int r = rnd.nextInt(100);
        boolean out = moveOutOn;
        if ((r -= 16) < 0) {
            createFile();
        } else if ((r -= 5) < 0) {
            appendFile();
        } else if ((r -= 10) < 0) {
            deleteFile();
        } else if ((r -= 7) < 0) {
            mkdir();
        } else if ((r -= 12) < 0) {
            mkdirDeep();
        } else if ((r -= 10) < 0) {
            renameInside();
        } else if ((r -= 3) < 0) {
            renameIntoNew();
        } else if ((r -= 5) < 0) {
            renameFile();
        } else if ((r -= 2) < 0) {
            replaceFile();
        } else if ((r -= 6) < 0) {
            removeTree();
        } else if ((r -= 4) < 0) {
            if (out) {
                moveOut(rnd.nextInt(4) == 0);
            } else {
                renameInside();
            }
        } else if ((r -= 2) < 0) {
            if (out) {
                moveOutAndReplace();
            } else {
                replaceDir();
            }
        } else if ((r -= 6) < 0) {
            if (out && !outside.isEmpty()) {
                moveBackIn(outside.remove(rnd.nextInt(outside.size())));
            } else {
                renameInside();
            }
        } else if ((r -= 3) < 0) {
            if (out) {
                writeOutside();
            } else {
                mkdirDeep();
            }
        } else if ((r -= 4) < 0) {
            recreate();
        } else {
            replaceDir();
        }
    }

    private void count(String op) {
        opCounts.merge(op, 1, Integer::sum);
    }

    private void line(String s) {
        sh.append(s).append('\n');
        lines++;
    }

    private String name(char kind) {
        return kind + Integer.toString(++seq);
    }

    // ------------------------------------------------------------------ model helpers

    private static String path(Node n) {
        if (n.parent == null) {
            return n.name;
        }
        return path(n.parent) + "/" + n.name;
    }

    private static String q(Node n) {
        return "\"" + path(n) + "\"";
    }

    private static String q(Node dir, String name) {
        return "\"" + path(dir) + "/" + name + "\"";
    }

    private static Node top(Node n) {
        while (n.parent != null) {
            n = n.parent;
        }
        return n;
    }

    private static boolean under(Node n, Node ancestor) {
        for (Node x = n; x != null; x = x.parent) {
            if (x == ancestor) {
                return true;
            }
        }
        return false;
    }

    private boolean inTree(Node n) {
        return n.alive && top(n) == root;
    }

    private static int depth(Node n) {
        int d = 0;
        for (Node x = n; x.parent != null; x = x.parent) {
            d++;
        }
        return d;
    }

    private Node pick(ArrayList<Node> list, Predicate<Node> ok) {
        for (int tries = 0; tries < 200 && !list.isEmpty(); tries++) {
            int i = rnd.nextInt(list.size());
            Node n = list.get(i);
            if (!n.alive) {
                list.set(i, list.get(list.size() - 1));
                list.remove(list.size() - 1);
                continue;
            }
            if (inTree(n) && ok.test(n)) {
                return n;
            }
        }
        return null;
    }

    /** A directory in the tree (the root itself sometimes). */
    private Node pickDir(Predicate<Node> ok) {
        if (rnd.nextInt(50) == 0 && ok.test(root)) {
            return root;
        }
        Node n = pick(dirs, ok.and(d -> depth(d) < 40));
        return n != null ? n : root;
    }

    /** A directory in the tree other than the root, or null. */
    private Node pickSubtree(Predicate<Node> ok) {
        return pick(dirs, ok);
    }

    private Node pickFile() {
        return pick(files, f -> true);
    }

    /** A random directory inside `top` (itself included), walking down a few levels. */
    private Node descend(Node top) {
        Node n = top;
        while (rnd.nextInt(3) != 0) {
            List<Node> sub = new ArrayList<>();
            for (Node k : n.kids.values()) {
                if (k.dir) {
                    sub.add(k);
                }
            }
            if (sub.isEmpty()) {
                break;
            }
            n = sub.get(rnd.nextInt(sub.size()));
        }
        return n;
    }

    private Node addDir(Node parent, String name) {
        Node n = new Node(parent, name, true);
        dirs.add(n);
        return n;
    }

    private Node addFile(Node parent, String name) {
        Node existing = parent.kids.get(name);
        if (existing != null) {
            return existing; // rewritten in place
        }
        Node n = new Node(parent, name, false);
        files.add(n);
        return n;
    }

    private static void kill(Node n) {
        n.alive = false;
        if (n.dir) {
            for (Node k : n.kids.values()) {
                kill(k);
            }
        }
    }

    private static void detach(Node n) {
        n.parent.kids.remove(n.name);
        n.parent = null;
    }

    private static void attach(Node n, Node parent, String name) {
        n.name = name;
        n.parent = parent;
        parent.kids.put(name, n);
    }

    private static void move(Node n, Node parent, String name) {
        detach(n);
        attach(n, parent, name);
    }

    /** " && " + 1 to 3 writes (files, sometimes a new directory with a file) somewhere inside `top`. */
    private String writesInto(Node top) {
        StringBuilder s = new StringBuilder();
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k; i++) {
            Node d = descend(top);
            if (rnd.nextInt(3) == 0) {
                Node nd = addDir(d, name('w'));
                Node f = addFile(nd, name('x'));
                s.append(" && mkdir ").append(q(nd)).append(" && echo ").append(seq).append(" > ").append(q(f));
            } else {
                Node f = addFile(d, name('x'));
                s.append(" && echo ").append(seq).append(" > ").append(q(f));
            }
        }
        return s.toString();
    }

    // ------------------------------------------------------------------ operations

    private void createFile() {
        count("create file");
        Node d = pickDir(x -> true);
        Node f = addFile(d, name('f'));
        line("echo " + seq + " > " + q(f));
    }

    private void appendFile() {
        Node f = pickFile();
        if (f == null) {
            createFile();
            return;
        }
        count("append to file");
        line("echo " + (++seq) + " >> " + q(f));
    }

    private void deleteFile() {
        Node f = pickFile();
        if (f == null) {
            createFile();
            return;
        }
        count("rm file");
        line("rm " + q(f));
        detach(f);
        kill(f);
    }

    private void mkdir() {
        count("mkdir");
        Node d = addDir(pickDir(x -> true), name('n'));
        if (rnd.nextBoolean()) {
            Node f = addFile(d, name('f'));
            line("mkdir " + q(d) + " && echo " + seq + " > " + q(f));
        } else {
            line("mkdir " + q(d));
        }
    }

    /** mkdir -p of a new chain 2..6 deep, files written into it at once. */
    private void mkdirDeep() {
        count("mkdir -p + files");
        Node d = pickDir(x -> true);
        int k = 2 + rnd.nextInt(5);
        List<Node> chain = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            d = addDir(d, name('p'));
            chain.add(d);
        }
        StringBuilder s = new StringBuilder("mkdir -p " + q(d));
        for (int i = k - 1; i >= 0; i--) {
            if (i == k - 1 || rnd.nextInt(5) < 3) {
                Node f = addFile(chain.get(i), name('f'));
                s.append(" && echo ").append(seq).append(" > ").append(q(f));
            }
        }
        line(s.toString());
    }

    /** mv of a subtree to another place in the tree (or a new name in place), then writes into it at once. */
    private void renameInside() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            mkdirDeep();
            return;
        }
        count("mv subtree inside + writes");
        renameAndWrite(a);
    }

    /** mkdir -p of new directories, a subtree moved into the deepest at once, then writes into it. */
    private void renameIntoNew() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            mkdirDeep();
            return;
        }
        count("mkdir -p + mv subtree into it + writes");
        Node d = pickDir(x -> !under(x, a));
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k; i++) {
            d = addDir(d, name('q'));
        }
        String made = q(d);
        String from = q(a);
        move(a, d, name('r'));
        line("mkdir -p " + made + " && mv " + from + " " + q(a) + writesInto(a));
    }

    private void renameAndWrite(Node a) {
        Node dest = rnd.nextInt(3) == 0 ? a.parent : pickDir(d -> !under(d, a));
        String from = q(a);
        move(a, dest, name('r'));
        line("mv " + from + " " + q(a) + writesInto(a));
    }

    private void renameFile() {
        Node f = pickFile();
        if (f == null) {
            createFile();
            return;
        }
        count("mv file");
        String from = q(f);
        move(f, pickDir(x -> true), name('g'));
        line("mv " + from + " " + q(f));
    }

    /** mv of a file over another existing file. */
    private void replaceFile() {
        Node f = pickFile();
        Node g = pickFile();
        if (f == null || g == null || f == g) {
            createFile();
            return;
        }
        count("mv file over file");
        String from = q(f);
        Node parent = g.parent;
        String name = g.name;
        detach(g);
        kill(g);
        move(f, parent, name);
        line("mv " + from + " " + q(f));
    }

    private void removeTree() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            createFile();
            return;
        }
        count("rm -rf subtree");
        line("rm -rf " + q(a));
        detach(a);
        kill(a);
    }

    /** mv of a subtree out of the root; sometimes straight back in under a new name. */
    private void moveOut(boolean straightBack) {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            createFile();
            return;
        }
        count(straightBack ? "mv subtree out and straight back" : "mv subtree out");
        String from = q(a);
        move(a, outTop, name('o'));
        if (!straightBack) {
            outside.add(a);
            line("mv " + from + " " + q(a));
            return;
        }
        String out = q(a);
        Node dest = pickDir(x -> true);
        move(a, dest, name('b'));
        line("mv " + from + " " + out + " && " + pause() + "mv " + out + " " + q(a) + (rnd.nextBoolean() ? writesInto(a) : ""));
    }

    /** mv of a subtree out of the root, then a new directory under its old name with a file (log rotation). */
    private void moveOutAndReplace() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            mkdir();
            return;
        }
        count("mv subtree out + mkdir old name");
        Node parent = a.parent;
        String oldName = a.name;
        String from = q(a);
        move(a, outTop, name('o'));
        outside.add(a);
        Node d = addDir(parent, oldName);
        Node f = addFile(d, name('f'));
        line("mv " + from + " " + q(a) + " && mkdir " + q(d) + " && echo " + seq + " > " + q(f));
    }

    /** mv of a subtree that was moved out back into the tree under a new name (sometimes written into at once). */
    private void moveBackIn(Node a) {
        count("mv subtree back in");
        String from = q(a);
        Node dest = pickDir(x -> true);
        move(a, dest, name('b'));
        line(pause() + "mv " + from + " " + q(a) + (rnd.nextBoolean() ? writesInto(a) : ""));
    }

    /** Changes inside a subtree while it is outside (the watcher must not see them; they count once it is back). */
    private void writeOutside() {
        if (outside.isEmpty()) {
            mkdirDeep();
            return;
        }
        count("write outside");
        Node top = outside.get(rnd.nextInt(outside.size()));
        Node d = descend(top);
        Node nd = addDir(d, name('u'));
        Node f = addFile(nd, name('f'));
        line(pause() + "mkdir " + q(nd) + " && echo " + seq + " > " + q(f));
    }

    /** rm -rf of a subtree, then a new directory of the same name with a file. */
    private void recreate() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            mkdir();
            return;
        }
        count("rm -rf + mkdir same name");
        Node parent = a.parent;
        String name = a.name;
        line("rm -rf " + q(a) + " && mkdir " + q(parent, name) + " && echo " + (++seq) + " > " + q(parent, name + "/f"));
        detach(a);
        kill(a);
        Node d = addDir(parent, name);
        addFile(d, "f");
    }

    /** mv of a subtree elsewhere, then a new directory under its old name with a file. */
    private void replaceDir() {
        Node a = pickSubtree(x -> true);
        if (a == null) {
            mkdir();
            return;
        }
        count("mv subtree + mkdir old name");
        Node parent = a.parent;
        String oldName = a.name;
        String from = q(a);
        Node dest = pickDir(d -> !under(d, a));
        move(a, dest, name('r'));
        Node d = addDir(parent, oldName);
        Node f = addFile(d, name('f'));
        line("mv " + from + " " + q(a) + " && mkdir " + q(d) + " && echo " + seq + " > " + q(f));
    }

    /** cp -a of the source tree into the root. */
    private void copyIn() {
        count("cp -a source tree");
        Node dest = pickDir(x -> true);
        Node c = addDir(dest, name('c'));
        cloneInto(srcTop, c);
        line("cp -a \"$S\" " + q(c));
    }

    private void cloneInto(Node from, Node to) {
        for (Node k : from.kids.values()) {
            if (k.dir) {
                cloneInto(k, addDir(to, k.name));
            } else {
                addFile(to, k.name);
            }
        }
    }

    /** 0: rename of a top-level subtree (about a tenth of the tree) + writes; 1: moved out (back later); 2: rm -rf. */
    private void bigOp(int kind, List<Node> bigOut) {
        List<Node> live = new ArrayList<>();
        for (Node n : topDirs) {
            if (inTree(n)) {
                live.add(n);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        Node a = live.get(rnd.nextInt(live.size()));
        switch (kind) {
            case 0:
                count("big: mv top-level subtree inside + writes");
                renameAndWrite(a);
                break;
            case 1: {
                count("big: mv top-level subtree out");
                String from = q(a);
                move(a, outTop, name('o'));
                line("mv " + from + " " + q(a));
                bigOut.add(a);
                break;
            }
            default:
                count("big: rm -rf top-level subtree");
                line("rm -rf " + q(a));
                detach(a);
                kill(a);
                topDirs.remove(a);
        }
    }

    /** The model's idea of the final tree: relative path -> is a directory. */
    Map<String, Boolean> expected() {
        Map<String, Boolean> out = new TreeMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Node dir, String prefix, Map<String, Boolean> out) {
        for (Node k : dir.kids.values()) {
            String p = prefix + k.name;
            out.put(p, k.dir);
            if (k.dir) {
                collect(k, p + "/", out);
            }
        }
    }
}
