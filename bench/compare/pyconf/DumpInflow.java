// Prints what inflow's config reader makes of a file, in the same form as dump-python2.py.
import java.nio.file.Path;
import java.util.*;
import org.inflow.dialect.pyconf.*;
public class DumpInflow {
    static String d(Object v) {
        if (v instanceof Boolean) return "b:" + (((Boolean) v) ? "True" : "False");
        if (v == PyConfig.NONE) return "None";
        if (v instanceof PyStr) { StringBuilder s = new StringBuilder("s:"); for (byte b : ((PyStr) v).bytes()) s.append(String.format("%02x", b & 0xff)); return s.toString(); }
        if (v instanceof Long) return "i:" + v;
        if (v instanceof Double) return "f:" + v;
        if (v instanceof List) { List<String> o = new ArrayList<>(); for (Object x : (List<?>) v) o.add(d(x)); return "[" + String.join(",", o) + "]"; }
        if (v instanceof Map) { List<String> o = new ArrayList<>(); for (Map.Entry<?,?> e : ((Map<?,?>) v).entrySet()) o.add(d(e.getKey()) + "=" + d(e.getValue())); Collections.sort(o); return "{" + String.join(",", o) + "}"; }
        return "?";
    }
    public static void main(String[] a) throws Exception {
        PyConfig c = PyConfigReader.read(Path.of(a[0]));
        for (String k : new TreeSet<>(c.assignments().keySet())) System.out.println(k + " " + d(c.get(k)));
    }
}
