package org.toxiscope.synthesize;

/**
 * The Qwen chat format, built by hand (the tokenizer applies no template): system and user turns, then an open
 * assistant turn; for Qwen3 hybrid-thinking models an empty think block switches thinking off, as the official
 * template does with {@code enable_thinking=False}.
 */
public record ChatTemplate(boolean emptyThink) {

    /** The prompt for {@code user} under {@code system}, ending where the assistant's answer starts. */
    public String render(String system, String user) {
        return "<|im_start|>system\n" + system + "<|im_end|>\n<|im_start|>user\n" + user
                + "<|im_end|>\n<|im_start|>assistant\n" + (emptyThink ? "<think>\n\n</think>\n\n" : "");
    }

    /** The template for a model type: Qwen3 models get the empty think block. */
    public static ChatTemplate forModelType(String modelType) {
        return new ChatTemplate(modelType.startsWith("qwen3"));
    }
}
