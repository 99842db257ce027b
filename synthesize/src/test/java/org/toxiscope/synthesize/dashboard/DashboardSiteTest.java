package org.toxiscope.synthesize.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxiscope.synthesize.FeatureExplanation.TokenActivation;

/** How a context's tokens are shown: a character split over byte-level tokens is one shaded piece. */
class DashboardSiteTest {

    @Test
    void tokensWithoutTextOfTheirOwnJoinTheTokenThatCompletesTheirCharacter() {
        // " 你" split over two byte-level tokens: the first decodes to nothing on its own.
        List<DashboardSite.Shown> shown = DashboardSite.shown(List.of(new TokenActivation(" hi", 0.5f),
                new TokenActivation("", 2f), new TokenActivation(" 你", 1f), new TokenActivation("!", 0f)));
        assertEquals(List.of(new DashboardSite.Shown(" hi", 0.5f, 1), new DashboardSite.Shown(" 你", 2f, 2),
                new DashboardSite.Shown("!", 0f, 1)), shown);
    }

    @Test
    void aWindowEndingInsideACharacterKeepsItsLastTokens() {
        assertEquals(List.of(new DashboardSite.Shown("a", -1f, 1), new DashboardSite.Shown("", -0.5f, 2)),
                DashboardSite.shown(List.of(new TokenActivation("a", -1f), new TokenActivation("", -0.5f),
                        new TokenActivation("", -2f))));
    }
}
