package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.Template;

class WindowTableTest {
    /** Random puts and removes, checked against a HashMap after every step (collisions, wrap-around, growth). */
    @Test
    void agreesWithAHashMapThroughPutsAndRemoves() {
        Rule rule = Rule.builder("/r").action(ActionSpec.argv(List.of(Template.of("/bin/true")))).build();
        CoalescingRule owner = new CoalescingRule(rule);
        WindowTable table = new WindowTable();
        Map<String, CoalescingWindow> model = new HashMap<>();
        Random rnd = new Random(7);
        CoalescerKey probe = new CoalescerKey();
        for (int step = 0; step < 20_000; step++) {
            String name = "/r/f" + rnd.nextInt(300);
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            probe.point(rule, CoalescerKey.PATH, b, b.length, Coalescer.hash(b, b.length));
            CoalescingWindow w = table.get(probe);
            assertSame(model.get(name), w, name);
            if (w == null) {
                w = new CoalescingWindow(probe.copy(), owner, Job.forPath(rule, b, 2, 3), 0);
                table.put(w);
                model.put(name, w);
            } else if (rnd.nextBoolean()) {
                table.remove(w);
                model.remove(name);
            }
            assertEquals(model.size(), table.size());
        }
        for (Map.Entry<String, CoalescingWindow> e : model.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            assertSame(e.getValue(), table.get(probe.point(rule, CoalescerKey.PATH, b, b.length, Coalescer.hash(b, b.length))));
        }
    }
}
