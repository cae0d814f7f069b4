package dev.harness.bench;

import java.util.Arrays;
import java.util.List;

/** Small helpers for timing samples. */
final class Stats {
  private Stats() {}

  static double median(List<Double> xs) {
    if (xs.isEmpty()) return Double.NaN;
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /** {@code x} rounded to {@code digits} decimals (for report tables). */
  static double round(double x, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(x * f) / f;
  }

  /** Median of {@code reps} rates {@code n / seconds} of {@code r} (no warm-up: the caller runs it once first). */
  static double medianRate(double n, int reps, Runnable r) {
    List<Double> rates = new java.util.ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      rates.add(n / ((System.nanoTime() - t0) / 1e9));
    }
    return median(rates);
  }

  /** Median wall time in seconds of {@code reps} calls after {@code warmups} unmeasured ones. */
  static double medianSeconds(int warmups, int reps, Runnable r) {
    for (int i = 0; i < warmups; i++) r.run();
    Double[] s = new Double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    return median(List.of(s));
  }
}
