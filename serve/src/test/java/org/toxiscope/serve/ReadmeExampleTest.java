package org.toxiscope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxiscope.classify.ToxicityClassifier;

/** The README's JVM example, kept in sync by hand: it opens a bundle file and scores two texts. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleScores() throws Exception {
        Path bundle = DemoBundle.file();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        // as in README "Serve", with the bundle's path and the printing stream replaced
        try (ToxicityClassifier classifier = ToxicityClassifier.open(bundle)) {
            List<ToxicityClassifier.Scores> scores = classifier.score(List.of("you absolute idiot", "thanks!"));
            out.println(scores.get(0).toxicScore() + " " + scores.get(0).toxic());
            assertEquals(2, scores.size());
            assertEquals(DemoBundle.classifier().score(List.of("you absolute idiot")).get(0).toxicScore(),
                    scores.get(0).toxicScore(), 1e-5);
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).matches("[0-9.E-]+ (true|false)\\R"), printed.toString());
    }
}
