package io.shoppulse.simulator.shop;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Ranks 0..n-1 drawn with Zipf's law: P(k) ∝ 1 / (k + 1)^s. A few products take most views, as in real shops. Draws
 * are a binary search in the cumulative table: O(log n), no allocation.
 */
public final class ZipfSampler {

    private final double[] cumulative;

    public ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cumulative[k] /= sum;
        }
        cumulative[n - 1] = 1.0;
    }

    public int size() {
        return cumulative.length;
    }

    /** The probability of rank {@code k}. */
    public double probability(int k) {
        return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1];
    }

    public int sample(RandomGenerator random) {
        int at = Arrays.binarySearch(cumulative, random.nextDouble());
        return at >= 0 ? at : Math.min(-at - 1, cumulative.length - 1);
    }
}
