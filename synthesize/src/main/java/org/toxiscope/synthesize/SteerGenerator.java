package org.toxiscope.synthesize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;

/**
 * The {@code steer} generator: continues seed prompts with {@code h' = h + alpha * d_f} added at the target's layer
 * (row r of batch b continues prompt {@code (b * batch + r) mod P}); the example text is prompt plus continuation,
 * and the target only counts when it fires on a generated token.
 */
public final class SteerGenerator implements CandidateSource {

    private final FeatureSession session;
    private final TextGenerator generator;
    private final SteerSettings settings;
    private final List<SeedPrompt> prompts;
    private final int[][] promptTokens;

    /** {@code session} must hold the whole model (head included) and the SAE of every target layer. */
    public SteerGenerator(FeatureSession session, SteerSettings settings, List<SeedPrompt> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no seed prompt to continue");
        }
        this.session = session;
        this.generator = new TextGenerator(session.model(), session.tokenizer(), session.manager());
        this.settings = settings;
        this.prompts = List.copyOf(prompts);
        QwenTokenizer tokenizer = session.tokenizer();
        this.promptTokens = tokenizer.encodeAll(prompts.stream().map(SeedPrompt::text).toList());
        for (int i = 0; i < promptTokens.length; i++) {
            if (promptTokens[i].length == 0) {
                throw new IllegalArgumentException("seed prompt " + (i + 1) + " is empty");
            }
        }
    }

    @Override
    public String name() {
        return "steer";
    }

    @Override
    public List<Candidate> batch(Target target, FeatureExplanation explanation, int batch, int firstAttempt)
            throws IOException {
        double alpha = settings.alphas()[batch % settings.alphas().length];
        float[] direction = session.direction(target.layer(), target.feature(), settings.unitNorm());
        float[] add = new float[direction.length];
        for (int i = 0; i < add.length; i++) {
            add[i] = (float) (alpha * direction[i]);
        }
        int rows = settings.batch();
        int[][] tokens = new int[rows][];
        int[] starts = new int[rows];
        int[] which = new int[rows];
        for (int r = 0; r < rows; r++) {
            which[r] = (int) (((long) batch * rows + r) % prompts.size());
            tokens[r] = promptTokens[which[r]];
            starts[r] = settings.generatedOnly() ? tokens[r].length : 0;
        }
        Steering steering = Steering.perRow(Map.of(target.layer(), add), starts);
        Sampling sampling = settings.greedy() ? Sampling.GREEDY : new Sampling(false, settings.temperature(),
                settings.topK(), settings.topP(), TextGenerator.batchSeed(settings.seed(), target.layer(),
                target.feature(), batch));
        int[][] generated = generator.generateTokens(tokens, settings.maxNewTokens(), sampling, steering);
        List<Candidate> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            SeedPrompt prompt = prompts.get(which[r]);
            String completion = session.tokenizer().decode(generated[r]);
            out.add(new Candidate(firstAttempt + r, prompt.text(), completion, prompt.text() + completion,
                    tokens[r].length, alpha, prompt.lang(), null));
        }
        return out;
    }

    @Override
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("alphas", Arrays.stream(settings.alphas()).mapToObj(Double::toString).collect(Collectors.joining(",")));
        p.put("direction", settings.unitNorm() ? "unit" : "raw");
        p.put("positions", settings.generatedOnly() ? "generated" : "all");
        p.put("sampling", samplingText(settings.greedy(), settings.temperature(), settings.topP(), settings.topK()));
        p.put("max_new_tokens", Integer.toString(settings.maxNewTokens()));
        return p;
    }

    static String samplingText(boolean greedy, double temperature, double topP, int topK) {
        return greedy ? "greedy" : "temperature=" + temperature + ",top_p=" + topP + ",top_k=" + topK;
    }
}
