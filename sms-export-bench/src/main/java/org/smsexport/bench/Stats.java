package org.smsexport.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Durations of repeated runs, summarised. */
final class Stats {

    private final List<Double> seconds = new ArrayList<>();
    private long bytes;

    void add(long nanos, long size) {
        seconds.add(nanos / 1e9);
        bytes = size;
    }

    double median() {
        List<Double> s = new ArrayList<>(seconds);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() {
        return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    double max() {
        return seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    long bytes() {
        return bytes;
    }

    Map<String, Object> json(long rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_seconds", round(median()));
        m.put("min_seconds", round(min()));
        m.put("max_seconds", round(max()));
        m.put("rows_per_second", Math.round(rows / median()));
        m.put("bytes", bytes);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
