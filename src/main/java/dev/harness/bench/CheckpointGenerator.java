package dev.harness.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Hugging Face checkpoint of a {@link BenchShape}: config.json, model.safetensors (float32,
 * linear weights ~ N(0, 0.02), RMSNorm weights 1) and a WordLevel tokenizer.json whose vocabulary covers every id.
 * The safetensors file is streamed in 4 MiB chunks, so writing never holds the weights in memory. Each tensor draws
 * from its own generator seeded by (seed, tensor index): the bytes depend on the seed and the shape only.
 */
public final class CheckpointGenerator {
  public static final double STD = 0.02;
  private static final int CHUNK_FLOATS = 1 << 20;

  private CheckpointGenerator() {}

  /** Writes the three files into {@code dir} (created if needed) and returns it. */
  public static Path write(Path dir, BenchShape shape, long seed) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), shape.configJson(json));
    writeTokenizer(dir.resolve("tokenizer.json"), shape.vocab());
    writeSafetensors(dir.resolve("model.safetensors"), shape, seed);
    return dir;
  }

  static void writeSafetensors(Path file, BenchShape shape, long seed) throws IOException {
    Map<String, long[]> tensors = shape.tensors();
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, long[]> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var s = t.putArray("shape");
      for (long d : e.getValue()) s.add(d);
      long bytes = BenchShape.elements(e.getValue()) * Float.BYTES;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    byte[] hp = Arrays.copyOf(h, padded);
    Arrays.fill(hp, h.length, padded, (byte) ' ');
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer lead = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      lead.putLong(padded).put(hp).flip();
      writeFully(ch, lead);
      ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      int index = 0;
      for (Map.Entry<String, long[]> e : tensors.entrySet()) {
        boolean norm = e.getValue().length == 1;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index++);
        long left = BenchShape.elements(e.getValue());
        while (left > 0) {
          int n = (int) Math.min(left, CHUNK_FLOATS);
          buf.clear();
          for (int i = 0; i < n; i++) buf.putFloat(norm ? 1.0f : (float) (rng.nextGaussian() * STD));
          buf.flip();
          writeFully(ch, buf);
          left -= n;
        }
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }

  /**
   * A WordLevel tokenizer: id 0 is "&lt;unk&gt;", id i is "t&lt;i&gt;", words split on whitespace. No BOS/EOS, so greedy
   * decoding never stops early. The bench feeds ids directly; the tokenizer only decodes.
   */
  static void writeTokenizer(Path file, int vocab) throws IOException {
    try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("version", "1.0");
      g.writeNullField("truncation");
      g.writeNullField("padding");
      g.writeArrayFieldStart("added_tokens");
      g.writeEndArray();
      g.writeNullField("normalizer");
      g.writeObjectFieldStart("pre_tokenizer");
      g.writeStringField("type", "WhitespaceSplit");
      g.writeEndObject();
      g.writeNullField("post_processor");
      g.writeNullField("decoder");
      g.writeObjectFieldStart("model");
      g.writeStringField("type", "WordLevel");
      g.writeObjectFieldStart("vocab");
      g.writeNumberField("<unk>", 0);
      for (int i = 1; i < vocab; i++) g.writeNumberField("t" + i, i);
      g.writeEndObject();
      g.writeStringField("unk_token", "<unk>");
      g.writeEndObject();
      g.writeEndObject();
    }
  }
}
