package io.shoppulse.simulator.shop;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ZipfSamplerTest {

    @Test
    void probabilitiesFollowZipfsLawAndSumToOne() {
        ZipfSampler zipf = new ZipfSampler(240, 1.07);
        double sum = 0;
        for (int k = 0; k < zipf.size(); k++) {
            sum += zipf.probability(k);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        // P(k) / P(0) = 1 / (k + 1)^s
        assertThat(zipf.probability(9) / zipf.probability(0)).isCloseTo(1 / Math.pow(10, 1.07), within(1e-9));
    }

    @Test
    void drawnFrequenciesMatchTheExpectedOnes() {
        ZipfSampler zipf = new ZipfSampler(240, 1.07);
        SplittableRandom random = new SplittableRandom(42);
        int draws = 400_000;
        int[] counts = new int[zipf.size()];
        for (int i = 0; i < draws; i++) {
            counts[zipf.sample(random)]++;
        }
        for (int k = 0; k < 20; k++) {
            double expected = zipf.probability(k) * draws;
            // within 4 standard deviations of a binomial count, and within 5 % for the head
            double sd = Math.sqrt(expected * (1 - zipf.probability(k)));
            assertThat((double) counts[k]).as("rank %d", k).isCloseTo(expected, within(4 * sd));
        }
        assertThat(Math.abs(counts[0] - zipf.probability(0) * draws) / (zipf.probability(0) * draws))
                .isLessThan(0.05);
        // Chi-square over all ranks (239 degrees of freedom: mean 239, sd ~21.9).
        double chi = 0;
        for (int k = 0; k < zipf.size(); k++) {
            double expected = zipf.probability(k) * draws;
            chi += (counts[k] - expected) * (counts[k] - expected) / expected;
        }
        assertThat(chi).isLessThan(239 + 4 * 21.9);
    }

    @Test
    void aFewProductsTakeMostOfTheViews() {
        ZipfSampler zipf = new ZipfSampler(240, 1.07);
        double top10 = 0;
        for (int k = 0; k < 24; k++) {
            top10 += zipf.probability(k);
        }
        assertThat(top10).as("share of the top 10 %% of SKUs").isBetween(0.5, 0.75);
    }
}
