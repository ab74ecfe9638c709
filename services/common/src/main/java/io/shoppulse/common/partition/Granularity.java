package io.shoppulse.common.partition;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** The time span one partition covers. Bounds are UTC dates, so a day partition is a UTC day. */
public enum Granularity {
    DAY(DateTimeFormatter.BASIC_ISO_DATE) {
        @Override
        LocalDate startOf(LocalDate date) {
            return date;
        }

        @Override
        LocalDate plus(LocalDate start, long periods) {
            return start.plusDays(periods);
        }
    },
    MONTH(DateTimeFormatter.ofPattern("yyyyMM")) {
        @Override
        LocalDate startOf(LocalDate date) {
            return date.withDayOfMonth(1);
        }

        @Override
        LocalDate plus(LocalDate start, long periods) {
            return start.plusMonths(periods);
        }

        @Override
        LocalDate parseSuffix(String suffix) {
            return LocalDate.parse(suffix + "01", DateTimeFormatter.BASIC_ISO_DATE);
        }
    };

    private final DateTimeFormatter suffix;

    Granularity(DateTimeFormatter suffix) {
        this.suffix = suffix;
    }

    abstract LocalDate startOf(LocalDate date);

    abstract LocalDate plus(LocalDate start, long periods);

    String suffix(LocalDate start) {
        return suffix.format(start);
    }

    LocalDate parseSuffix(String text) {
        return LocalDate.parse(text, suffix);
    }

    int suffixLength() {
        return this == DAY ? 8 : 6;
    }
}
