package org.inflow.act;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.inflow.rules.Template;

/**
 * Fills a template from a job, bytes in and bytes out: a file name is copied into the one argv
 * element (or environment value) its field stands in, never parsed or split.
 */
final class TemplateRenderer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    byte[] render(Template t, Job job) {
        out.reset();
        for (Template.Part part : t.parts()) {
            if (part instanceof Template.Text) {
                out.writeBytes(((Template.Text) part).bytes());
            } else if (part instanceof Template.Field) {
                out.writeBytes(field(((Template.Field) part).source(), job));
            } else if (part instanceof Template.Mask) {
                out.writeBytes(((Template.Mask) part).render(job.mask()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    static byte[] field(Template.Source source, Job job) {
        switch (source) {
            case PATH:
                return job.path();
            case DIR:
                return job.dir();
            case NAME:
                return job.name();
            case ROOT:
                return job.rule().root();
            case RELATIVE_PATH: {
                byte[] path = job.path();
                byte[] root = job.rule().root();
                int from = Math.min(path.length, root.length + 1);
                return path.length > root.length ? Arrays.copyOfRange(path, from, path.length) : new byte[0];
            }
            default:
                throw new IllegalArgumentException(String.valueOf(source));
        }
    }
}
