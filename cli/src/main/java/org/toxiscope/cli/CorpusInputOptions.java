package org.toxiscope.cli;

import java.util.List;
import org.toxiscope.datasets.Corpus;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The corpus a {@code data} command reads: the {@code --input} files read through the dataset column options. */
final class CorpusInputOptions {

    @Option(names = "--input", required = true, paramLabel = "FILE_OR_DIR",
            description = "Corpus file, folder or glob (quote it); repeat to combine.")
    List<String> inputs;

    @Mixin
    DatasetOptions dataset;

    Corpus corpus() {
        return dataset.corpus(inputs);
    }
}
