package dev.microposts.bench;

import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** A small SVG chart: mix latency percentiles and highest sustainable mix rate per topology. */
final class Chart {

    private Chart() {}

    static String svg(List<JsonNode> results) {
        List<JsonNode> measured =
                results.stream().filter(r -> r.has("scenarios")).toList();
        int rowHeight = 34;
        int height = 90 + measured.size() * rowHeight * 2 + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        double maxLatency = measured.stream()
                .mapToDouble(r -> Report.value(r, "scenarios", "mix", "p99_ms"))
                .filter(v -> !Double.isNaN(v))
                .max()
                .orElse(1);
        double maxRate = measured.stream()
                .mapToDouble(r -> Report.value(r, "max", "mix", "throughput"))
                .filter(v -> !Double.isNaN(v))
                .max()
                .orElse(1);
        int y = 30;
        svg.append(text(10, y, "mix latency at the fixed offered rate (ms): p50 (dark), p90, p99 (light)", true));
        y += 15;
        for (JsonNode r : measured) {
            String name = r.get("topology").stringValue();
            svg.append(text(10, y + 14, name, false));
            double[] values = {
                Report.value(r, "scenarios", "mix", "p99_ms"),
                Report.value(r, "scenarios", "mix", "p90_ms"),
                Report.value(r, "scenarios", "mix", "p50_ms")
            };
            String[] colors = {"#9ecae1", "#4292c6", "#08306b"};
            for (int i = 0; i < values.length; i++) {
                double width = Double.isNaN(values[i]) ? 0 : 600 * values[i] / maxLatency;
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"200\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>\n",
                        y,
                        width,
                        colors[i]));
            }
            svg.append(text(
                    205 + (int) (600 * Math.max(0, nz(values[0])) / maxLatency),
                    y + 14,
                    String.format(Locale.ROOT, "%.1f / %.1f / %.1f", nz(values[2]), nz(values[1]), nz(values[0])),
                    false));
            y += rowHeight;
        }
        y += 20;
        svg.append(text(10, y, "highest sustainable mix rate (requests/s)", true));
        y += 15;
        for (JsonNode r : measured) {
            double rate = Report.value(r, "max", "mix", "throughput");
            svg.append(text(10, y + 14, r.get("topology").stringValue(), false));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"200\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#41ab5d\"/>\n",
                    y,
                    Double.isNaN(rate) ? 0 : 600 * rate / maxRate));
            svg.append(text(
                    205 + (int) (600 * nz(rate) / maxRate),
                    y + 14,
                    String.format(Locale.ROOT, "%.0f", nz(rate)),
                    false));
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    private static double nz(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    private static String text(int x, int y, String value, boolean bold) {
        return String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\"%s>%s</text>\n",
                x,
                y,
                bold ? " font-weight=\"bold\"" : "",
                value.replace("&", "&amp;").replace("<", "&lt;"));
    }
}
