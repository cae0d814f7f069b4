package dev.harness.bench;

/**
 * The machine's own limits, measured with DJL on the bench's device and dtype.
 *
 * @param matmulGflops dense [n, n] × [n, n] product, 2n³ FLOPs, median
 * @param matvecGflops [1, n] × [n, n] product, 2n² FLOPs, median ({@code matvecGbps}: its n² weights read)
 * @param copyGbps STREAM copy: a {@code streamBytes} array copied into a preallocated one, bytes read + written
 * @param readGbps read-only reduction (sum) over a {@code streamBytes} array, bytes read
 */
public record MachineLimits(int matmulN, double matmulGflops, int matvecN, double matvecGflops, double matvecGbps,
    long streamBytes, double copyGbps, double readGbps) {}
