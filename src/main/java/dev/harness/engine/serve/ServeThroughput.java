package dev.harness.engine.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Requests per second against a running server with k concurrent clients, each sending its share of the requests one
 * after another over HTTP (what lm-eval's {@code num_concurrent} does). Rounds alternate the client counts so that the
 * machine's drift hits all of them alike; each round sends the same requests. Every figure comes with its n and its
 * [min, max] over the rounds; the ratio's interval is over the rounds' own ratios (round i of k clients / round i of 1).
 */
public final class ServeThroughput {
  /** One client count's rates, one per round. */
  public record Series(int clients, double[] requestsPerSecond) {
    public double median() { return ServeThroughput.median(requestsPerSecond); }
  }

  /** The rates per client count, in the order asked, and the requests per round. */
  public record Report(List<Series> series, int requestsPerRound, int rounds) {
    /** {median, min, max} of round-wise ratios of series {@code i} over series 0. */
    public double[] ratio(int i) {
      double[] base = series.get(0).requestsPerSecond();
      double[] r = new double[rounds];
      for (int k = 0; k < rounds; k++) r[k] = series.get(i).requestsPerSecond()[k] / base[k];
      return new double[] {median(r), Arrays.stream(r).min().orElse(Double.NaN), Arrays.stream(r).max().orElse(Double.NaN)};
    }
  }

  private ServeThroughput() {}

  /**
   * Sends {@code bodies} (all of them, each round) to {@code url} with each client count; a reply other than 200 is an
   * error (the measurement would be meaningless). One warm-up round with the largest client count comes first.
   */
  public static Report measure(URI url, String bearerOrNull, List<String> bodies, int[] clients, int rounds)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int most = Arrays.stream(clients).max().orElse(1);
    ExecutorService pool = Executors.newFixedThreadPool(most);
    try {
      round(http, pool, url, bearerOrNull, bodies, most);
      double[][] rates = new double[clients.length][rounds];
      for (int k = 0; k < rounds; k++) {
        for (int c = 0; c < clients.length; c++) rates[c][k] = round(http, pool, url, bearerOrNull, bodies, clients[c]);
      }
      List<Series> out = new ArrayList<>();
      for (int c = 0; c < clients.length; c++) out.add(new Series(clients[c], rates[c]));
      return new Report(out, bodies.size(), rounds);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Requests per second of one round: {@code clients} threads, request i going to client i mod clients. */
  private static double round(HttpClient http, ExecutorService pool, URI url, String bearer, List<String> bodies, int clients)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    List<Future<Void>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int me = c;
      fs.add(pool.submit(() -> {
        for (int i = me; i < bodies.size(); i += clients) {
          HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)));
          if (bearer != null) b.header("Authorization", "Bearer " + bearer);
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
        }
        return null;
      }));
    }
    for (Future<Void> f : fs) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }
    return bodies.size() / ((System.nanoTime() - t0) / 1e9);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
