package io.shoppulse.simulator.traffic;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;

/**
 * How busy a shop is by its local time: a daily curve (quiet at night, a lunch bump, the evening peak) times a
 * weekly one (Sunday evening is the busiest). Both average 1 over a week, so the configured rate is the weekly mean.
 * Hours and days are joined linearly, so the rate never jumps.
 */
public final class Seasonality {

    private static final double[] HOURLY = normalized(new double[]{0.35, 0.24, 0.17, 0.14, 0.14, 0.2, 0.34, 0.55,
            0.76, 0.9, 1.0, 1.06, 1.12, 1.05, 1.0, 1.0, 1.05, 1.16, 1.32, 1.52, 1.62, 1.5, 1.12, 0.66});
    private static final double[] WEEKDAY = normalized(new double[]{1.0, 0.97, 0.98, 1.0, 0.94, 0.9, 1.21});

    private Seasonality() {
    }

    /** The rate multiplier at this local time. */
    public static double multiplier(ZonedDateTime local) {
        double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
        int h = (int) hour;
        double fraction = hour - h;
        double daily = HOURLY[h] * (1 - fraction) + HOURLY[(h + 1) % 24] * fraction;
        // The weekday factor also glides, from one day's value to the next over the day.
        double weekly = weekday(local.getDayOfWeek()) * (1 - hour / 24)
                + weekday(local.getDayOfWeek().plus(1)) * (hour / 24);
        return daily * weekly;
    }

    static double weekday(DayOfWeek day) {
        return WEEKDAY[day.getValue() - 1];
    }

    private static double[] normalized(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] / mean;
        }
        return out;
    }
}
