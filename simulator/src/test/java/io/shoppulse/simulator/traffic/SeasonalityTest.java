package io.shoppulse.simulator.traffic;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SeasonalityTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void theWeeklyMeanIsOneSoTheRateIsTheMean() {
        ZonedDateTime monday = LocalDateTime.of(2026, 3, 2, 0, 0).atZone(ZoneId.of("UTC"));
        double sum = 0;
        int minutes = 7 * 24 * 60;
        for (int m = 0; m < minutes; m++) {
            sum += Seasonality.multiplier(monday.plusMinutes(m));
        }
        assertThat(sum / minutes).isCloseTo(1.0, within(0.005));
    }

    @Test
    void nightsAreQuietAndEveningsBusy() {
        ZonedDateTime wednesday = LocalDateTime.of(2026, 3, 4, 0, 0).atZone(BERLIN);
        double night = Seasonality.multiplier(wednesday.withHour(4));
        double lunch = Seasonality.multiplier(wednesday.withHour(12));
        double evening = Seasonality.multiplier(wednesday.withHour(20));
        assertThat(night).isLessThan(0.25);
        assertThat(lunch).isGreaterThan(1.0);
        assertThat(evening).isGreaterThan(1.5).isGreaterThan(lunch);
        assertThat(evening / night).isGreaterThan(8);
    }

    @Test
    void sundayIsTheBusiestDayAndSaturdayTheQuietest() {
        double max = 0;
        DayOfWeek busiest = null;
        for (DayOfWeek d : DayOfWeek.values()) {
            if (Seasonality.weekday(d) > max) {
                max = Seasonality.weekday(d);
                busiest = d;
            }
        }
        assertThat(busiest).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(Seasonality.weekday(DayOfWeek.SATURDAY)).isLessThan(Seasonality.weekday(DayOfWeek.MONDAY));
    }

    @Test
    void theCurveHasNoJumps() {
        ZonedDateTime start = LocalDateTime.of(2026, 3, 2, 0, 0).atZone(BERLIN);
        double previous = Seasonality.multiplier(start);
        for (int m = 1; m < 7 * 24 * 60; m++) {
            double now = Seasonality.multiplier(start.plusMinutes(m));
            assertThat(Math.abs(now - previous)).as("minute %d", m).isLessThan(0.1);
            previous = now;
        }
    }
}
