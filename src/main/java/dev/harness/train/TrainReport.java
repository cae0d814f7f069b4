package dev.harness.train;

import dev.harness.report.Csv;
import dev.harness.report.LinePlots;
import dev.harness.store.TrainTables.StepRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code train_log.csv} and {@code plots/loss.png} from the stored steps of a run. */
public final class TrainReport {
  public static final List<String> HEADER = List.of("step", "epoch", "lr", "loss", "eval_loss", "grad_norm", "tokens", "seconds");

  private TrainReport() {}

  public static void write(Path output, List<StepRow> steps, String objective) {
    List<List<Object>> rows = new ArrayList<>();
    for (StepRow s : steps) {
      rows.add(List.of(s.step(), s.epoch(), s.lr(), s.loss(), Double.isNaN(s.evalLoss()) ? "" : s.evalLoss(),
          s.gradNorm(), s.tokens(), s.seconds()));
    }
    Csv.write(output.resolve("train_log.csv"), HEADER, rows);
    double[] x = new double[steps.size()];
    double[] loss = new double[steps.size()];
    double[] eval = new double[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      x[i] = steps.get(i).step();
      loss[i] = steps.get(i).loss();
      eval[i] = steps.get(i).evalLoss();
    }
    List<LinePlots.Series> series = new ArrayList<>();
    series.add(new LinePlots.Series("train loss (mean over the step's micro-batches)", x, loss));
    List<double[]> evalPts = points(x, eval);
    if (evalPts.get(0).length > 0) series.add(new LinePlots.Series("held-out loss", evalPts.get(0), evalPts.get(1)));
    LinePlots.lines(output.resolve("plots").resolve("loss.png"), objective + " loss by optimizer step (n = "
        + steps.size() + " steps)", "optimizer step", objective + " loss", series);
  }

  private static List<double[]> points(double[] x, double[] y) {
    int n = 0;
    for (double v : y) if (!Double.isNaN(v)) n++;
    double[] px = new double[n];
    double[] py = new double[n];
    int k = 0;
    for (int i = 0; i < y.length; i++) {
      if (!Double.isNaN(y[i])) {
        px[k] = x[i];
        py[k++] = y[i];
      }
    }
    return List.of(px, py);
  }
}
