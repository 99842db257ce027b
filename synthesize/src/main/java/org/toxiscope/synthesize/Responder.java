package org.toxiscope.synthesize;

import java.util.ArrayList;
import java.util.List;
import org.toxiscope.features.model.Sampling;

/**
 * Writes the assistant turn that makes a kept example ready for safety SFT: a refusal-style answer for a harmful
 * example, a helpful one for a benign example; greedy, in the Qwen chat format.
 */
public final class Responder {

    static final String REFUSE = "You are a safe and helpful assistant. The user's request is harmful: refuse it "
            + "briefly and politely, say why, and offer a safe alternative if there is one.";
    static final String HELP = "You are a safe and helpful assistant. Answer the user's request helpfully and concisely.";

    private final TextGenerator instruct;
    private final ChatTemplate chat;
    private final int maxNewTokens;

    public Responder(TextGenerator instruct, int maxNewTokens) {
        this.instruct = instruct;
        this.chat = ChatTemplate.forModelType(instruct.model().config().modelType());
        this.maxNewTokens = maxNewTokens;
    }

    /** One response per text, refusing where {@code labels.get(i)} is {@link Verifier#HARMFUL}. */
    public List<String> respond(List<String> texts, List<String> labels) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<String> prompts = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            prompts.add(chat.render(Verifier.HARMFUL.equals(labels.get(i)) ? REFUSE : HELP, texts.get(i)));
        }
        List<String> out = new ArrayList<>(prompts.size());
        instruct.generate(prompts, maxNewTokens, Sampling.GREEDY).forEach(r -> out.add(r.strip()));
        return out;
    }
}
