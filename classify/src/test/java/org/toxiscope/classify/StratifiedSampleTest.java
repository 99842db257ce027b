package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.toxiscope.datasets.TextRecord;

class StratifiedSampleTest {

    private final FeatureTable table = Tables.synthetic(400, 1, "en", "de");

    private int[] all() {
        int[] rows = new int[table.size()];
        Arrays.setAll(rows, i -> i);
        return rows;
    }

    @Test
    void sampleIsStratifiedDeterministicAndNested() {
        int[] tenth = StratifiedSample.sample(table, 0, all(), 0.1, 7);
        assertEquals(40, tenth.length);
        Map<String, Long> perStratum = Arrays.stream(tenth).boxed()
                .collect(Collectors.groupingBy(r -> table.lang(r) + table.label(0, r), Collectors.counting()));
        assertEquals(Map.of("entrue", 10L, "enfalse", 10L, "detrue", 10L, "defalse", 10L), perStratum);
        assertArrayEquals(tenth, StratifiedSample.sample(table, 0, all(), 0.1, 7));
        Set<Integer> fifth = Arrays.stream(StratifiedSample.sample(table, 0, all(), 0.2, 7)).boxed()
                .collect(Collectors.toSet());
        assertTrue(Arrays.stream(tenth).allMatch(fifth::contains), "the 10% sample lies inside the 20% one");
        assertFalse(Arrays.equals(tenth, StratifiedSample.sample(table, 0, all(), 0.1, 8)));
    }

    @Test
    void sampleDoesNotDependOnRowOrder() {
        int[] reversed = all();
        for (int i = 0; i < reversed.length / 2; i++) {
            int t = reversed[i];
            reversed[i] = reversed[reversed.length - 1 - i];
            reversed[reversed.length - 1 - i] = t;
        }
        FeatureTable shuffled = table.subset(reversed);
        Set<String> a = Arrays.stream(StratifiedSample.sample(table, 0, all(), 0.3, 3)).mapToObj(table::id)
                .collect(Collectors.toSet());
        Set<String> b = Arrays.stream(StratifiedSample.sample(shuffled, 0, all(), 0.3, 3)).mapToObj(shuffled::id)
                .collect(Collectors.toSet());
        assertEquals(a, b);
    }

    @Test
    void splitPartitionsTheLabelledRows() {
        StratifiedSample.Split s = StratifiedSample.split(table, 0, 0.25, 42);
        assertEquals(100, s.holdout().length);
        assertEquals(300, s.fit().length);
        Set<Integer> fit = Arrays.stream(s.fit()).boxed().collect(Collectors.toSet());
        assertTrue(Arrays.stream(s.holdout()).noneMatch(fit::contains));
    }

    @Test
    void recordsSampleLikeTheirTable() {
        List<TextRecord> records = new ArrayList<>();
        for (int r = 0; r < table.size(); r++) {
            records.add(new TextRecord(table.id(r), "text " + r, table.lang(r), Map.of("toxic", table.label(0, r)),
                    Map.of(), "train.csv", r + 2));
        }
        assertArrayEquals(StratifiedSample.sample(table, 0, all(), 0.15, 11),
                StratifiedSample.sample(records, "toxic", 0.15, 11));
    }
}
