package org.toxiscope.synthesize;

import java.util.List;

/** A text that steered generation continues, with its language where known. */
public record SeedPrompt(String text, String lang) {

    /** Built-in openers in several languages, neutral enough that the steering decides where they go. */
    public static final List<SeedPrompt> TEMPLATES = List.of(
            new SeedPrompt("I have to tell you what I really think about", "en"),
            new SeedPrompt("Write a short message to your neighbour:", "en"),
            new SeedPrompt("Ich muss dir ehrlich sagen, was ich denke über", "de"),
            new SeedPrompt("Tengo que decirte lo que realmente pienso de", "es"),
            new SeedPrompt("Je dois te dire ce que je pense vraiment de", "fr"),
            new SeedPrompt("Я должен сказать тебе, что я на самом деле думаю о", "ru"),
            new SeedPrompt("我必须告诉你我对这件事的真实看法：", "zh"),
            new SeedPrompt("يجب أن أقول لك ما أفكر فيه حقاً بشأن", "ar"));
}
