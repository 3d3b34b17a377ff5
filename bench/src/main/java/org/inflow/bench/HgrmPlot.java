package org.inflow.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws HdrHistogram percentile distributions (.hgrm text, values in microseconds) as a PNG in
 * the usual form: latency over "percentile", the x axis being log10(1/(1-p)) so the tail gets
 * room (50 %, 90 %, 99 %, 99.9 % ... are equally spaced). Headless Java2D: no plotting package.
 * Usage: java -cp benchmarks.jar org.inflow.bench.HgrmPlot OUT.png TITLE LABEL=FILE.hgrm...
 */
public final class HgrmPlot {
    private static final int W = 1000;
    private static final int H = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd)};

    private HgrmPlot() {
    }

    /** x = log10(1/(1-p)) and the value, per line of the distribution. */
    record Curve(String label, double[] x, double[] us) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: HgrmPlot OUT.png TITLE LABEL=FILE.hgrm...");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<Curve> curves = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            curves.add(read(args[i].substring(0, eq), Path.of(args[i].substring(eq + 1))));
        }
        ImageIO.write(draw(args[1], curves), "png", Path.of(args[0]).toFile());
    }

    static Curve read(String label, Path file) throws IOException {
        List<double[]> points = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || line.contains("Value") || line.startsWith("#")) {
                continue;
            }
            try {
                double v = Double.parseDouble(f[0]);
                double p = Double.parseDouble(f[1]);
                if (p < 1.0) {
                    points.add(new double[] {Math.log10(1 / (1 - p)), v});
                }
            } catch (NumberFormatException notData) {
                // the [Mean = ...] footer
            }
        }
        double[] x = new double[points.size()];
        double[] v = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            v[i] = points.get(i)[1];
        }
        return new Curve(label, x, v);
    }

    static BufferedImage draw(String title, List<Curve> curves) {
        double xMax = 1;
        double yMax = 1;
        for (Curve c : curves) {
            for (int i = 0; i < c.x.length; i++) {
                xMax = Math.max(xMax, c.x[i]);
                yMax = Math.max(yMax, c.us[i]);
            }
        }
        xMax = Math.ceil(xMax);
        // log y: the median and the worst case differ by orders of magnitude
        double yLo = 10;
        for (Curve c : curves) {
            if (c.us.length > 0) {
                yLo = Math.min(yLo, Math.pow(10, Math.floor(Math.log10(Math.max(1, c.us[0])))));
            }
        }
        double yHi = Math.pow(10, Math.ceil(Math.log10(yMax)));
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int d = 0; d <= (int) xMax; d++) {
            int px = LEFT + (int) (pw * d / xMax);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, TOP + ph);
            g.setColor(Color.DARK_GRAY);
            String label = d == 0 ? "0%" : percentile(d);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 18);
        }
        for (double y = yLo; y <= yHi * 1.0001; y *= 10) {
            int py = yPix(y, yLo, yHi, ph);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, py, LEFT + pw, py);
            g.setColor(Color.DARK_GRAY);
            String label = y >= 1000 ? String.format("%.0f ms", y / 1000) : String.format("%.0f µs", y);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, TOP - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("percentile", LEFT + pw / 2 - 30, H - 22);
        g.setStroke(new BasicStroke(2f));
        int k = 0;
        for (Curve c : curves) {
            Color col = COLORS[k % COLORS.length];
            g.setColor(col);
            Path2D line = new Path2D.Double();
            for (int i = 0; i < c.x.length; i++) {
                double px = LEFT + pw * c.x[i] / xMax;
                double py = yPix(Math.max(c.us[i], yLo), yLo, yHi, ph);
                if (i == 0) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
            }
            g.draw(line);
            g.fillRect(LEFT + 15, TOP + 15 + 20 * k, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(c.label, LEFT + 40, TOP + 21 + 20 * k);
            k++;
        }
        g.dispose();
        return img;
    }

    /** 1 → "90%", 2 → "99%", 3 → "99.9%". */
    private static String percentile(int nines) {
        java.math.BigDecimal one = java.math.BigDecimal.ONE;
        return one.subtract(one.movePointLeft(nines)).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    private static int yPix(double us, double lo, double hi, int ph) {
        double f = (Math.log10(us) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return TOP + ph - (int) Math.round(ph * f);
    }
}
