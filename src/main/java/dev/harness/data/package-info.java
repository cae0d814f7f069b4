/**
 * Datasets for the KV study: {@link dev.harness.data.LongBenchReader} (JSONL/JSON/CSV or {@code hf://THUDM/LongBench}),
 * the narrativeqa prompt ({@link dev.harness.data.LongBenchPrompt}), prompt-length measurement and binning
 * ({@link dev.harness.data.LengthMeasure}, {@link dev.harness.data.LengthBinner}), sampling
 * ({@link dev.harness.data.Sampler}) and the portable {@link dev.harness.data.Manifest}.
 */
package dev.harness.data;
