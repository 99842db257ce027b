package org.toxiscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.toxiscope.datasets.SampleCorpus;

/** The shipped multilingual sample split by line into {@code train.jsonl} (3 of 4) and {@code test.jsonl} (every 4th). */
record SampleSplit(Path train, Path test) {

    static SampleSplit write(Path dir) throws IOException {
        List<String> trainLines = new ArrayList<>();
        List<String> testLines = new ArrayList<>();
        List<String> lines = Files.readAllLines(SampleCorpus.path());
        for (int i = 0; i < lines.size(); i++) {
            (i % 4 == 3 ? testLines : trainLines).add(lines.get(i));
        }
        return new SampleSplit(Files.write(dir.resolve("train.jsonl"), trainLines),
                Files.write(dir.resolve("test.jsonl"), testLines));
    }
}
