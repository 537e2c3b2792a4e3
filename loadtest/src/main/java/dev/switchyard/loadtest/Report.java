package dev.switchyard.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run as a text summary, a JSON result and one self-contained HTML page with plots (inline SVG: the
 * latency-by-percentile curve per operation, answers and errors per second). Problems come first everywhere.
 */
public final class Report {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

  private Report() {}

  /** Writes summary.txt, result.json and report.html into {@code dir}; returns the summary text. */
  public static String write(Path dir, String title, List<RunResult> runs) throws IOException {
    Files.createDirectories(dir);
    String text = text(title, runs);
    Files.writeString(dir.resolve("summary.txt"), text, StandardCharsets.UTF_8);
    JSON.writeValue(dir.resolve("result.json").toFile(), Map.of("title", title, "runs", runs));
    Files.writeString(dir.resolve("report.html"), html(title, runs), StandardCharsets.UTF_8);
    return text;
  }

  static String text(String title, List<RunResult> runs) {
    StringBuilder b = new StringBuilder(title).append('\n');
    for (RunResult r : runs) {
      b.append('\n');
      if (!r.good()) {
        b.append("NOT A GOOD RUN:\n");
        r.problems().forEach(p -> b.append("  - ").append(p).append('\n'));
      }
      b.append(String.format(Locale.ROOT, "rate %.0f/s for %.0f s: %d arrivals planned, %d requests sent, %d answered,"
              + " %d missing, %d errors, achieved %.0f/s, generator lag up to %.1f ms%n",
          r.targetRate(), r.durationSeconds(), r.planned(), r.sent(), r.answered(), r.missing(), r.errors(),
          r.achievedRate(), r.maxSendLagMs()));
      if (r.cpu() != null) {
        b.append("CPU over the measured window: ").append(r.cpu().describe()).append('\n');
      }
      b.append(String.format(Locale.ROOT, "  %-10s %9s %9s %9s %9s %9s %9s  %s%n",
          "operation", "count", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "results"));
      r.operations().forEach((op, o) -> b.append(String.format(Locale.ROOT,
          "  %-10s %9d %9.2f %9.2f %9.2f %9.2f %9.2f  %s%n",
          op.name().toLowerCase(Locale.ROOT), o.count(), o.p50(), o.p90(), o.p99(), o.p999(), o.max(), o.results())));
    }
    return b.toString();
  }

  static String html(String title, List<RunResult> runs) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1000px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append(".bad{background:#fdd;border:1px solid #c00;padding:0.5em}</style></head><body>")
        .append("<h1>").append(esc(title)).append("</h1>");
    for (RunResult r : runs) {
      b.append(String.format(Locale.ROOT, "<h2>%.0f arrivals/s for %.0f s</h2>", r.targetRate(), r.durationSeconds()));
      if (!r.good()) {
        b.append("<div class=\"bad\"><b>Not a good run:</b><ul>");
        r.problems().forEach(p -> b.append("<li>").append(esc(p)).append("</li>"));
        b.append("</ul></div>");
      }
      b.append(String.format(Locale.ROOT, "<p>%d arrivals planned, %d requests sent, %d answered, %d missing, "
              + "%d errors; achieved %.0f/s; generator lag up to %.1f ms.</p>",
          r.planned(), r.sent(), r.answered(), r.missing(), r.errors(), r.achievedRate(), r.maxSendLagMs()));
      if (r.cpu() != null) {
        b.append("<p>CPU over the measured window: ").append(esc(r.cpu().describe())).append(".</p>");
      }
      b.append("<table><tr><th>operation</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>")
          .append("<th>p99.9 ms</th><th>max ms</th><th>results</th></tr>");
      r.operations().forEach((op, o) -> b.append(String.format(Locale.ROOT,
          "<tr><td>%s</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td></tr>",
          op.name().toLowerCase(Locale.ROOT), o.count(), o.p50(), o.p90(), o.p99(), o.p999(), o.max(),
          esc(o.results().toString()))));
      b.append("</table><h3>Latency by percentile (from intended send time)</h3>").append(percentilePlot(r));
      b.append("<h3>Answers and errors per second</h3>").append(timePlot(r));
    }
    return b.append("</body></html>").toString();
  }

  /** x: percentile on a 1/(1-p) log scale (0, 90, 99, 99.9, 99.99); y: latency in ms. */
  static String percentilePlot(RunResult r) {
    int w = 900;
    int h = 320;
    int left = 60;
    int bottom = 40;
    double maxX = Math.log10(1 / (1 - 0.99999));
    double maxY = Math.max(1, r.operations().values().stream().mapToDouble(RunResult.OpResult::max).max().orElse(1));
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", w, h));
    axes(svg, w, h, left, bottom, maxY, "ms");
    String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int i = 0; i < ticks.length; i++) {
      double x = left + (w - left - 10) * (i / maxX);
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, h - bottom + 15,
          ticks[i]));
    }
    int c = 0;
    for (Map.Entry<Stats.Op, RunResult.OpResult> e : r.operations().entrySet()) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : e.getValue().percentileCurve()) {
        double level = Math.min(p[0] / 100.0, 0.99999);
        double x = left + (w - left - 10) * (Math.log10(1 / (1 - level)) / maxX);
        double y = (h - bottom) - (h - bottom - 10) * (p[1] / maxY);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      String color = COLORS[c % COLORS.length];
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
          .append(pts).append("\"/>");
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", left + 10, 20 + 14 * c,
          color, e.getKey().name().toLowerCase(Locale.ROOT)));
      c++;
    }
    return svg.append("</svg>").toString();
  }

  static String timePlot(RunResult r) {
    int w = 900;
    int h = 240;
    int left = 60;
    int bottom = 30;
    long[] ok = r.answersPerSecond();
    long[] err = r.errorsPerSecond();
    double maxY = 1;
    for (long v : ok) {
      maxY = Math.max(maxY, v);
    }
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", w, h));
    axes(svg, w, h, left, bottom, maxY, "/s");
    double step = (double) (w - left - 10) / Math.max(1, ok.length);
    for (int i = 0; i < ok.length; i++) {
      double x = left + i * step;
      double hy = (h - bottom - 10) * (ok[i] / maxY);
      double ey = (h - bottom - 10) * (err[i] / maxY);
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"/>",
          x, h - bottom - hy, Math.max(1, step - 1), hy));
      if (err[i] > 0) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d62728\"/>",
            x, h - bottom - Math.max(2, ey), Math.max(1, step - 1), Math.max(2, ey)));
      }
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">seconds of the measured run (blue: answers, red: errors)</text>",
        left, h - 5));
    return svg.append("</svg>").toString();
  }

  private static void axes(StringBuilder svg, int w, int h, int left, int bottom, double maxY, String unit) {
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, h - bottom,
        w - 10, h - bottom));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, left,
        h - bottom));
    for (int i = 0; i <= 4; i++) {
      double v = maxY * i / 4;
      double y = (h - bottom) - (h - bottom - 10) * (i / 4.0);
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f %s</text>", left - 4,
          y + 4, v, unit));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", left,
          y, w - 10, y));
    }
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
