package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Golden values derived by hand from lm-evaluation-harness v0.4.9.2 (ad3f4d0): {@code sanitize_model_name} in
 * lm_eval/utils.py ({@code re.sub(r"[\"<>:/\|\\?\*\[\]]+", "__", model_name)}), {@code
 * GeneralConfigTracker._get_model_name} in lm_eval/loggers/evaluation_tracker.py, the task hash of {@code
 * EvaluationTracker.save_results_aggregated}, {@code HFLM.get_model_info} / {@code configure_pad_token} /
 * {@code add_tokenizer_info}.
 */
class LmEvalMetaTest {
  @Test
  void sanitizeModelNameReplacesEachRunOfUnsafeCharactersByTwoUnderscores() {
    assertEquals("Qwen__Qwen2.5-0.5B", LmEvalMeta.sanitizeModelName("Qwen/Qwen2.5-0.5B"));
    assertEquals("..__shared__models__tiny-llama-gqa", LmEvalMeta.sanitizeModelName("../shared/models/tiny-llama-gqa"));
    // a run of several unsafe characters becomes one "__"
    assertEquals("a__b", LmEvalMeta.sanitizeModelName("a//:?b"));
    assertEquals("a__b__c__d__e__f__g__h__i__j__k", LmEvalMeta.sanitizeModelName("a\"b<c>d:e/f|g\\h?i*j[k"));
    assertEquals("x__y__", LmEvalMeta.sanitizeModelName("x]y["));
    // kept: letters, digits, '.', '-', '_', spaces, '=', ',', '@', non-ASCII
    assertEquals("my model.v1_@=,é", LmEvalMeta.sanitizeModelName("my model.v1_@=,é"));
    assertEquals("", LmEvalMeta.sanitizeModelName(""));
  }

  @Test
  void modelNameIsTheFirstKeyOfPeftDeltaPretrainedModelPathEngine() {
    assertEquals("ad/x", LmEvalMeta.modelName("pretrained=org/base,peft=ad/x,dtype=float32"));
    assertEquals("org/base", LmEvalMeta.modelName("pretrained=org/base,dtype=float32,base_url=http://h:1/v1"));
    assertEquals("gpt", LmEvalMeta.modelName("model=gpt,base_url=http://h:1/v1"));
    assertEquals("dd", LmEvalMeta.modelName("pretrained=p,delta=dd"));
    assertEquals("", LmEvalMeta.modelName("dtype=float32"));
    // Python's model_args.split("pretrained=")[1].split(",")[0]: stops at the next occurrence of the key too
    assertEquals("A", LmEvalMeta.modelName("pretrained=Apretrained=B"));
  }

  @Test
  void taskHashIsSha256OfTheConcatenatedSampleHashes() {
    // hashlib.sha256(b"aaabbbccc").hexdigest()
    assertEquals("fb84a45f6df7d1d17036f939f1cfeb87339ff5dbdf411222f3762dd76779a287",
        LmEvalMeta.taskHash(List.of("aaa", "bbb", "ccc")));
  }

  @Test
  void modelInfoOfTinyLlamaAsHflmReportsIt() {
    Path dir = Path.of("../shared/models/tiny-random-llama");
    Assumptions.assumeTrue(Files.isDirectory(dir), "SKIPPED: ../shared/models absent");
    LmEvalMeta.ModelInfo i = LmEvalMeta.modelInfo(dir, null, "float32", null, true);
    // safetensors header: 32000×4 embed + 32000×4 lm_head (untied) + 2 layers + norm = 256244
    assertEquals(256244, i.numParameters());
    assertEquals("torch.float32", i.dtype());
    assertEquals("main", i.revision());
    assertEquals("", i.sha());
    // pad_token null in tokenizer_config.json: configure_pad_token sets it to unk (<unk>, id 0)
    assertEquals(List.of("<unk>", "0"), i.padToken());
    assertEquals(List.of("</s>", "2"), i.eosToken());
    assertEquals(List.of("<s>", "1"), i.bosToken());
    assertEquals(2, i.eotTokenId());
    assertEquals(2048, i.maxLength()); // config.max_position_embeddings
    assertEquals(512, LmEvalMeta.modelInfo(dir, null, "float16", 512, true).maxLength()); // max_length given
  }

  @Test
  void tiedEmbeddingsCountOnceAndMissingFolderGivesLmEvalsFallbacks() {
    Path gqa = Path.of("../shared/models/tiny-llama-gqa");
    Assumptions.assumeTrue(Files.isDirectory(gqa), "SKIPPED: ../shared/models absent");
    LmEvalMeta.ModelInfo i = LmEvalMeta.modelInfo(gqa, null, "float32", null, true);
    assertEquals(187328, i.numParameters());
    assertEquals(List.of("<|endoftext|>", "0"), i.padToken());
    LmEvalMeta.ModelInfo none = LmEvalMeta.modelInfo(null, null, "float32", null, false);
    assertEquals(-1, none.numParameters());
    assertEquals(Arrays.asList(null, "None"), none.eosToken()); // [tokenizer.eos_token, str(None)]
    assertEquals(null, none.eotTokenId());
    assertEquals(null, none.maxLength());
  }
}
