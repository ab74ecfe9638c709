package io.shoppulse.common.imports;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * How an export writes its times: {@code iso} (ISO 8601 with an offset, or local in {@code zone}), {@code epoch_s},
 * {@code epoch_ms}, or a {@link DateTimeFormatter} pattern such as {@code M/d/yyyy H:mm} read in {@code zone}.
 */
public record TimestampFormat(String format, String zone) {

    public Parser parser(String field) {
        String f = format == null || format.isBlank() ? "iso" : format;
        ZoneId zoneId;
        try {
            zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new ImportException(field + ".zone", "is not a time zone such as Europe/Berlin or UTC");
        }
        switch (f) {
            case "epoch_s" :
                return value -> Instant.ofEpochSecond(Long.parseLong(value));
            case "epoch_ms" :
                return value -> Instant.ofEpochMilli(Long.parseLong(value));
            case "iso" :
                DateTimeFormatter iso = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .optionalStart().appendOffsetId().optionalEnd().toFormatter(Locale.ROOT);
                return value -> {
                    TemporalAccessor t = iso.parse(value.replace(' ', 'T'));
                    return t.isSupported(ChronoField.OFFSET_SECONDS)
                            ? Instant.from(t)
                            : LocalDateTime.from(t).atZone(zoneId).toInstant();
                };
            default :
                DateTimeFormatter pattern;
                try {
                    pattern = DateTimeFormatter.ofPattern(f, Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    throw new ImportException(field + ".format", "is not a date-time pattern: " + e.getMessage());
                }
                return value -> {
                    TemporalAccessor t = pattern.parse(value);
                    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                        return Instant.from(t);
                    }
                    return ZonedDateTime.of(LocalDateTime.from(t), zoneId).toInstant();
                };
        }
    }

    /** Reads one value; throws {@link DateTimeParseException} or {@link NumberFormatException} if it is not one. */
    @FunctionalInterface
    public interface Parser {
        Instant parse(String value);
    }
}
