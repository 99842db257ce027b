package org.toxiscope.synthesize;

import java.util.List;

/**
 * How the {@code describe} generator prompts its instruct model: requests per batch, the adversarial rewrite styles
 * (each direct request gets one rewrite per style), sampling, and new tokens per answer.
 */
public record DescribeSettings(int batch, List<String> styles, boolean greedy, double temperature, double topP,
                               int topK, long seed, int maxNewTokens) {

    public DescribeSettings {
        if (batch <= 0 || maxNewTokens <= 0) {
            throw new IllegalArgumentException("batch size and new tokens must be > 0");
        }
        styles = List.copyOf(styles);
    }
}
