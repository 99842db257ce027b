package org.toxiscope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitSampleStatsTest {

    @TempDir
    Path dir;

    Corpus corpus;

    /** 3 languages x 2 labels, 100/60/40 records per language, 20 exact or near duplicates in "en". */
    @BeforeEach
    void writeCorpus() throws Exception {
        Path file = dir.resolve("c.jsonl");
        try (CorpusWriter w = CorpusWriter.create(file, List.of("id", "text", "lang", "toxic"))) {
            int id = 0;
            for (String lang : List.of("en", "de", "ru")) {
                int n = lang.equals("en") ? 100 : lang.equals("de") ? 60 : 40;
                for (int i = 0; i < n; i++) {
                    w.write(List.of("i" + id++, lang + " text number " + i, lang, i % 4 == 0 ? "1" : "0"));
                }
            }
            for (int i = 0; i < 20; i++) {
                w.write(List.of("d" + i, "  EN   text number " + i + " ", "en", i % 4 == 0 ? "1" : "0"));
            }
            w.commit();
        }
        corpus = Corpus.of(file, ColumnMapping.defaults().withId("id"));
    }

    @Test
    void splitsAreStratifiedDeduplicatedAndDeterministic() {
        SplitSpec spec = SplitSpec.parse("train=0.8,validation=0.1,test=0.1");
        StratifiedSplit plan = StratifiedSplit.plan(corpus, spec, 7, true);
        assertEquals(20, plan.duplicates());
        plan.quotas().forEach((stratum, q) -> {
            long n = q.stream().mapToLong(Long::longValue).sum();
            assertTrue(Math.abs(q.get(0) - 0.8 * n) <= 1 && Math.abs(q.get(1) - 0.1 * n) <= 1, stratum + " " + q);
        });
        List<Integer> first = assign(plan);
        assertEquals(first, assign(StratifiedSplit.plan(corpus, spec, 7, true)));
        assertNotEquals(first, assign(StratifiedSplit.plan(corpus, spec, 8, true)));
        assertEquals(20, first.stream().filter(s -> s == -1).count());
        List<Long> sizes = List.of(160L, 20L, 20L);
        for (int split = 0; split < 3; split++) {
            int k = split;
            assertEquals(sizes.get(k), plan.quotas().values().stream().mapToLong(q -> q.get(k)).sum());
            assertEquals(sizes.get(k), first.stream().filter(s -> s == k).count());
        }
        assertEquals(200, first.stream().filter(s -> s >= 0).count());
    }

    private List<Integer> assign(StratifiedSplit plan) {
        StratifiedSplit.Assigner a = plan.assigner();
        List<Integer> out = new ArrayList<>();
        try (RecordStream s = corpus.read()) {
            s.forEachRemaining(r -> out.add(a.assign(r)));
        }
        return out;
    }

    @Test
    void samplesHaveExactSizeAndNest() {
        Set<String> small = ids(corpus.sample(Sampling.count(30, 1)));
        Set<String> large = ids(corpus.sample(Sampling.count(90, 1)));
        assertEquals(30, small.size());
        assertEquals(90, large.size());
        assertTrue(large.containsAll(small));
        Set<String> tenth = ids(corpus.sample(Sampling.fraction(0.1, 1)));
        assertEquals(22, tenth.size());
        assertTrue(ids(corpus.sample(Sampling.fraction(0.2, 1))).containsAll(tenth));
    }

    private static Set<String> ids(Corpus c) {
        Set<String> out = new HashSet<>();
        try (RecordStream s = c.read()) {
            s.forEachRemaining(r -> out.add(r.id()));
        }
        return out;
    }

    @Test
    void apportionmentIsProportionalAndNeverTakesBack() {
        long[] sizes = {1, 1, 1, 1, 7, 30, 0};
        long[] previous = new long[sizes.length];
        for (long seats = 0; seats <= 41; seats++) {
            long[] q = StratifiedSplit.apportion(sizes, seats);
            assertEquals(Math.min(seats, 41), java.util.Arrays.stream(q).sum());
            for (int s = 0; s < sizes.length; s++) {
                assertTrue(q[s] >= previous[s] && q[s] <= sizes[s], "seats " + seats + " stratum " + s);
            }
            previous = q;
        }
        assertEquals(List.of(1L, 1L, 0L, 0L, 0L, 0L, 0L),
                java.util.Arrays.stream(StratifiedSplit.apportion(new long[] {1, 1, 1, 1, 0, 0, 0}, 2)).boxed().toList());
        assertEquals(List.of(2L, 8L), java.util.Arrays.stream(StratifiedSplit.apportion(new long[] {20, 80}, 10))
                .boxed().toList());
    }

    @Test
    void statsCountLanguagesLabelsLengthsAndDuplicates() {
        StatsReport report = CorpusStats.of(corpus);
        assertEquals(220, report.records());
        assertEquals(20, report.duplicates());
        assertEquals(new StatsReport.LabelCounts(30, 90, 0), report.byLanguage().get("en"));
        JsonObject json = JsonParser.parseString(report.toJson()).getAsJsonObject();
        assertEquals(220, json.get("records").getAsLong());
        assertEquals(0, json.get("rejected").getAsLong());
        assertEquals(15, json.getAsJsonObject("by_language").getAsJsonObject("de").get("toxic").getAsLong());
        assertEquals(45, json.getAsJsonObject("by_language").getAsJsonObject("de").get("non_toxic").getAsLong());
        assertEquals(report.textLength().max(), json.getAsJsonObject("text_length").get("max").getAsInt());
        assertEquals("  EN   text number 10 ".length(), report.textLength().max());
    }

    @Test
    void normalisedHashIgnoresCaseSpacingAndCompatibilityForms() {
        assertEquals(TextHash.of("Hello  World"), TextHash.of(" hello world\n"));
        assertEquals(TextHash.of("ｈｅｌｌｏ"), TextHash.of("hello"));
        assertNotEquals(TextHash.of("hello world"), TextHash.of("helloworld"));
        Deduplicator d = new Deduplicator();
        assertEquals(List.of(true, false, true), List.of(d.firstSeen("A b"), d.firstSeen("a  B"), d.firstSeen("c")));
        assertEquals(1, d.duplicates());
    }

    @Test
    void asciiShortcutHashesLikeTheGeneralPath() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        String alphabet = "aZ \t\n\u000b\u001f,.!'Q";
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            assertEquals(TextHash.hash(TextHash.normalise(text)), TextHash.of(text), "'" + text + "'");
        }
    }

    @Test
    void labelParserAcceptsTheCommonSpellingsAndScores() {
        LabelParser p = new LabelParser(0.5);
        Map<String, Boolean> cases = Map.of("1", true, "0", false, "TRUE", true, "no", false, "Toxic", true,
                "non-toxic", false, "neutral", false, "0.5", true, "0.49", false, "1.0", true);
        cases.forEach((v, expected) -> assertEquals(expected, p.parse(v), v));
        assertTrue(new LabelParser(0.8).parse("0.9"));
    }
}
