package dev.harness.train;

/**
 * Learning rate at each optimizer step as transformers' schedulers give it (the rate used by 0-based step s):
 * warm-up s / w for s < w, then linear (T − s) / (T − w), cosine ½(1 + cos(π·(s − w)/(T − w))), or constant 1;
 * times the peak rate. Warm-up steps from a ratio: ⌈ratio · T⌉.
 */
public record LrSchedule(String kind, double peak, int warmup, int total) {
  public static LrSchedule of(TrainSettings t, int total) {
    int warm = t.warmupSteps() != null ? t.warmupSteps()
        : t.warmupRatio() != null ? (int) Math.ceil(t.warmupRatio() * total) : 0;
    return new LrSchedule(t.schedule(), t.lr(), Math.min(warm, total), total);
  }

  public double at(int step) {
    if (step < warmup) return peak * step / Math.max(1, warmup);
    double span = Math.max(1, total - warmup);
    double progress = (step - warmup) / span;
    return switch (kind) {
      case "cosine" -> peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
      case "constant" -> peak;
      default -> peak * Math.max(0, (total - step) / span);
    };
  }
}
