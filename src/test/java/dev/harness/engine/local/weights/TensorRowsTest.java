package dev.harness.engine.local.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows read from the file equal the rows of the whole table loaded as a copy, in every stored and target dtype. */
class TensorRowsTest {
  @TempDir Path tmp;

  private static final int ROWS = 7;
  private static final int WIDTH = 5;

  private static float[] table() {
    float[] v = new float[ROWS * WIDTH];
    for (int i = 0; i < v.length; i++) v[i] = (i % 2 == 0 ? 1 : -1) * (0.125f * i + 0.5f); // exact in f16 and bf16
    return v;
  }

  private Path write(DType dtype, float[] v) throws Exception {
    Path dir = tmp.resolve(dtype.name() + v.length + "-" + v[3]);
    java.nio.file.Files.createDirectories(dir);
    new SafetensorsWriter().add("emb", dtype, new long[] {ROWS, WIDTH}, v).write(dir.resolve(Checkpoint.SINGLE));
    return dir;
  }

  @Test
  void rowsEqualTheCopiedTableInEveryDtype() throws Exception {
    long[] ids = {6, 0, 3, 3, 1};
    for (DType stored : DType.values()) {
      for (DataType target : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
        Path dir = write(stored, table());
        try (Checkpoint ck = Checkpoint.open(dir); NDManager m = NDManager.newBaseManager();
            TensorRows rows = TensorRows.open(ck, "emb", target, ROWS, WIDTH)) {
          NDArray got = rows.rows(m, ids);
          NDArray want = ck.load(m, "emb", target, ROWS, WIDTH).get(new NDIndex("{}", m.create(ids)));
          assertEquals(target, got.getDataType(), stored + " -> " + target);
          assertEquals(want.getShape(), got.getShape());
          assertArrayEquals(want.toType(DataType.FLOAT32, false).toFloatArray(), got.toType(DataType.FLOAT32, false).toFloatArray(),
              stored + " -> " + target);
          float[] row3 = new float[WIDTH];
          System.arraycopy(table(), 3 * WIDTH, row3, 0, WIDTH);
          assertArrayEquals(row3, got.get(2).toType(DataType.FLOAT32, false).toFloatArray(), "row 3 by hand");
          assertEquals((long) ROWS * WIDTH * target.getNumOfBytes(), rows.computeBytes());
        }
      }
    }
  }

  @Test
  void anIdOutsideTheTableIsRefusedNamingIt() throws Exception {
    try (Checkpoint ck = Checkpoint.open(write(DType.F32, table())); NDManager m = NDManager.newBaseManager();
        TensorRows rows = TensorRows.open(ck, "emb", DataType.FLOAT32, ROWS, WIDTH)) {
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> rows.rows(m, new long[] {1, ROWS}));
      assertEquals("token id 7 is outside emb [0, 7)", e.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> rows.rows(m, new long[] {-1}));
    }
  }

  @Test
  void float16OfAnOutOfRangeTableIsRefusedOnOpenAsACopyWouldBe() throws Exception {
    float[] v = table();
    v[ROWS * WIDTH - 1] = -70000f; // the last element: the chunked scan must reach it
    Path dir = write(DType.F32, v);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> TensorRows.open(ck, "emb", DataType.FLOAT16, ROWS, WIDTH));
      assertTrue(e.getMessage().contains("emb") && e.getMessage().contains("|70000|, beyond float16's range (±65504); load it with dtype float32"),
          e.getMessage());
      TensorRows.open(ck, "emb", DataType.FLOAT32, ROWS, WIDTH).close(); // float32 holds it
    }
    v[ROWS * WIDTH - 1] = Float.NaN;
    try (Checkpoint ck = Checkpoint.open(write(DType.F32, v))) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> TensorRows.open(ck, "emb", DataType.FLOAT16, ROWS, WIDTH));
      assertTrue(e.getMessage().contains("holds NaN"), e.getMessage());
    }
  }

  @Test
  void aShapeThatDisagreesIsRefusedLikeAnyOtherRead() throws Exception {
    try (Checkpoint ck = Checkpoint.open(write(DType.F32, table()))) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> TensorRows.open(ck, "emb", DataType.FLOAT32, ROWS + 1, WIDTH));
      assertTrue(e.getMessage().contains("disagrees with config.json"), e.getMessage());
    }
  }
}
