package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.TensorRows;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On the CPU an untied input embedding stays in the checkpoint and is read per row; a tied one (lm_head multiplies
 * it) is resident. The bytes left in the file are exactly vocab × hidden × bytes of the compute dtype.
 */
class FileBackedEmbeddingTest {
  @Test
  void untiedEmbeddingsAreLeftInTheFileTiedOnesAreResident() {
    Path untied = Golden.model("tiny-random-llama");
    ModelConfig u = ModelConfig.load(untied);
    try (LocalEngine e = LocalEngine.open(untied, new LocalOptions("float32", "cpu", null))) {
      assertEquals((long) u.vocabSize() * u.hiddenSize() * 4, e.fileBackedBytes());
    }
    try (LocalEngine e = LocalEngine.open(untied, new LocalOptions("float16", "cpu", null))) {
      assertEquals((long) u.vocabSize() * u.hiddenSize() * 2, e.fileBackedBytes());
    }
    try (LocalEngine e = LocalEngine.open(Golden.model("tiny-llama-gqa"), new LocalOptions("float32", "cpu", null))) {
      assertEquals(0, e.fileBackedBytes(), "tied: lm_head needs the whole table resident");
    }
  }

  @Test
  void everyRowOfTheRealTableReadsBackExactly() {
    Path dir = Golden.model("tiny-random-llama");
    ModelConfig c = ModelConfig.load(dir);
    long[] ids = new long[c.vocabSize()];
    for (int i = 0; i < ids.length; i++) ids[i] = ids.length - 1 - i; // every row, in reverse
    try (Checkpoint ck = Checkpoint.open(dir); NDManager m = NDManager.newBaseManager();
        TensorRows rows = TensorRows.open(ck, "model.embed_tokens.weight", DataType.FLOAT32, c.vocabSize(), c.hiddenSize())) {
      NDArray whole = ck.load(m, "model.embed_tokens.weight", DataType.FLOAT32, c.vocabSize(), c.hiddenSize());
      NDArray got = rows.rows(m, ids);
      assertArrayEquals(whole.flip(0).toFloatArray(), got.toFloatArray());
    }
  }
}
