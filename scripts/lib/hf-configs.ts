/**
 * Hugging Face `config.json` contents for the random-weight models benchmarks and tests build. The trainer
 * (scripts/trainer/encoder.py) reads these keys; the sizes are the caller's.
 */

/** The sizes of an encoder: vocabulary, width, depth, attention heads, feed-forward width, position table. */
export interface EncoderSize {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPositions: number;
}

/** An XLM-RoBERTa (bge-m3's architecture) config.json: positions start at pad_token_id + 1, one token type. */
export function xlmRobertaConfig(size: EncoderSize): Record<string, unknown> {
  return {
    model_type: "xlm-roberta",
    vocab_size: size.vocab,
    hidden_size: size.hidden,
    num_hidden_layers: size.layers,
    num_attention_heads: size.heads,
    intermediate_size: size.ffn,
    max_position_embeddings: size.maxPositions,
    type_vocab_size: 1,
    pad_token_id: 1,
    bos_token_id: 0,
    eos_token_id: 2,
    hidden_act: "gelu",
    layer_norm_eps: 1e-5,
  };
}
