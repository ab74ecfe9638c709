package io.shoppulse.collector.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.model.EventImportMapping;
import io.shoppulse.collector.repository.EventBulkLoader;
import io.shoppulse.common.imports.CopyBuffer;
import io.shoppulse.common.imports.CsvRows;
import io.shoppulse.common.imports.CsvSettings;
import io.shoppulse.common.imports.ImportException;
import io.shoppulse.common.imports.ImportReport;
import io.shoppulse.common.imports.Loading;
import io.shoppulse.common.imports.MappingRules;
import io.shoppulse.common.imports.TimestampFormat;
import io.shoppulse.common.partition.PartitionMaintainer;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A historical import of a shop's behaviour export: one CSV row per event. Each row becomes one contract event that
 * goes through the same {@link EventContract} as a live one (every broken field named) and is then loaded in bulk
 * into {@code collector.events}, idempotently by its event id: a file imported twice changes nothing. Bad rows are
 * reported with their line and reason, and the import goes on.
 * <p>
 * Rows without an event id get one derived from the tenant, the row's mapped values and how often an identical row
 * came before in the file: identical rows of an export are separate occurrences (two views of one product in one
 * second), so they stay two events, and the same file always gives the same ids.
 * <p>
 * The stored payload is the event without the fields its columns hold ({@link #ENVELOPE}).
 * <p>
 * Reading and loading overlap: while PostgreSQL loads one batch on a loader thread, the request's thread reads and
 * validates the next. Two loaders, each with its own connection, were tried and left out: with payloads this small
 * one keeps up with the reading thread (1M events: 120-150k rows/s with one, 111-141k with two). Imported events are
 * not sent to Kafka: the streaming lane would drop them as late, and the backfill reads them from the table.
 */
@ApplicationScoped
public class EventImport {

    public static final int BATCH_ROWS = 25_000;
    private static final Logger LOG = Logger.getLogger(EventImport.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /**
     * Contract fields an imported event's payload leaves out, since its columns hold them: event_id, type,
     * session_id, anonymous_id, and the time (occurred_at; an import's timestamp is the same). With tenant_id and
     * received_at, which are columns too and so not added either, they are more than half of a payload's bytes:
     * storing them took a third of PostgreSQL's time per imported event (COPY of 25,000 events in psql: 170 against
     * 117 ms). Readers take the envelope from the columns, as the recompute does. user_id stays: the recompute does
     * not add it back from its column.
     */
    private static final Set<String> ENVELOPE = Set.of("event_id", "type", "timestamp", "session_id", "anonymous_id");
    private static final byte[] ORIGIN = "import".getBytes(StandardCharsets.US_ASCII);

    private final DataSource dataSource;
    private final EventContract contract;
    private final EventBulkLoader loader;
    private final CollectorConfig config;
    private final ObjectMapper json;

    public EventImport(DataSource dataSource, EventContract contract, EventBulkLoader loader,
            CollectorConfig config, ObjectMapper json) {
        this.dataSource = dataSource;
        this.contract = contract;
        this.loader = loader;
        this.config = config;
        this.json = json;
    }

    public ImportReport.Summary run(UUID tenant, InputStream csv, EventImportMapping mapping) {
        Plan plan = Plan.of(mapping);
        ImportReport report = new ImportReport();
        Instant received = Instant.now();
        try (CsvRows rows = new CsvRows(csv, plan.csv); Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            loader.prepare(c);
            c.commit();
            Run run = new Run(tenant, received, plan, plan.columns(rows), report, c);
            try {
                while (rows.next()) {
                    report.read();
                    run.row(rows);
                }
                run.finish();
            } finally {
                run.close();
            }
        } catch (IOException e) {
            throw new ImportException("file", "could not be read: " + e.getMessage());
        } catch (SQLException e) {
            LOG.warnf(e, "Event import for tenant %s stopped after %d rows", tenant, report.rowsRead());
            throw ProblemException.unavailable("The events could not be stored (" + e.getMessage() + "); the "
                    + "batches before the failure are kept, and importing the same file again adds only the rest.",
                    Duration.ofSeconds(5));
        }
        return report.summary();
    }

    /** The mapping, checked once: which fields come from where, and what its rules mean. */
    private record Plan(CsvSettings csv, EventImportMapping.Columns columns, String currency,
            TimestampFormat.Parser time, Map<String, String> types, boolean rejectUnknown) {

        static Plan of(EventImportMapping m) {
            EventImportMapping.Columns c = m.columns();
            if (c == null) {
                throw new ImportException("mapping.columns", "is required");
            }
            MappingRules.requireColumn(c.time(), "time");
            MappingRules.requireColumn(c.type(), "type");
            MappingRules.requireColumn(c.sessionId(), "session_id");
            if (m.types() != null) {
                m.types().forEach((from, to) -> {
                    if (!EventContract.isEventType(to)) {
                        throw new ImportException("mapping.types." + from, "maps to '" + to + "', which is not"
                                + " an event type of the contract (" + String.join(", ", EventContract.STANDARD_TYPES)
                                + ", or namespace:name for a custom event)");
                    }
                });
            }
            String unknown = MappingRules.oneOf("mapping.unknown_types", m.unknownTypes(), "skip", "skip",
                    "reject");
            TimestampFormat format = m.timestamp() == null ? new TimestampFormat("iso", "UTC") : m.timestamp();
            String currency = m.currency() == null || m.currency().isBlank()
                    ? null
                    : m.currency().trim().toUpperCase(Locale.ROOT);
            return new Plan(m.csv() == null ? CsvSettings.DEFAULT : m.csv(), c, currency,
                    format.parser("mapping.timestamp"), m.types(), "reject".equals(unknown));
        }

        Columns columns(CsvRows rows) {
            EventImportMapping.Columns c = columns;
            return new Columns(rows.column("time", c.time()), rows.column("type", c.type()),
                    optional(rows, "user_id", c.userId()), rows.column("session_id", c.sessionId()),
                    optional(rows, "anonymous_id", c.anonymousId()), optional(rows, "item_id", c.itemId()),
                    optional(rows, "item_name", c.itemName()), optional(rows, "item_brand", c.itemBrand()),
                    optional(rows, "item_category", c.itemCategory()), optional(rows, "price", c.price()),
                    optional(rows, "quantity", c.quantity()), optional(rows, "value", c.value()),
                    optional(rows, "currency", c.currency()), optional(rows, "page_url", c.pageUrl()),
                    optional(rows, "transaction_id", c.transactionId()),
                    optional(rows, "search_term", c.searchTerm()), optional(rows, "event_id", c.eventId()));
        }

        private static int optional(CsvRows rows, String field, String name) {
            return MappingRules.optionalColumn(rows, field, name);
        }

        /** The contract type of an export's type value, or null when it maps to nothing. */
        String type(String value) {
            if (types == null) {
                return EventContract.isEventType(value) ? value : null;
            }
            return types.get(value);
        }
    }

    /** Column indexes, -1 for an optional column the mapping does not name. */
    private record Columns(int time, int type, int user, int session, int anonymous, int item, int itemName,
            int itemBrand, int itemCategory, int price, int quantity, int value, int currency, int pageUrl,
            int transactionId, int searchTerm, int eventId, int[] identity) {

        Columns(int time, int type, int user, int session, int anonymous, int item, int itemName, int itemBrand,
                int itemCategory, int price, int quantity, int value, int currency, int pageUrl, int transactionId,
                int searchTerm, int eventId) {
            this(time, type, user, session, anonymous, item, itemName, itemBrand, itemCategory, price, quantity,
                    value, currency, pageUrl, transactionId, searchTerm, eventId,
                    Arrays.stream(new int[]{time, type, user, session, anonymous, item, itemName, itemBrand,
                            itemCategory, price, quantity, value, currency, pageUrl, transactionId, searchTerm})
                            .filter(i -> i >= 0).toArray());
        }
    }

    /** A reusable output buffer whose bytes can be read without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(4096);
        }

        byte[] buffer() {
            return buf;
        }
    }

    /** A row that cannot become an event, with the reason the report gives. */
    private static final class BadRow extends Exception {
        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The state of one import while it reads the file. */
    private final class Run {
        final UUID tenant;
        final Instant received;
        final Instant latest;
        final Plan plan;
        final Columns col;
        final ImportReport report;
        final Connection connection;
        /** What every row of the import repeats, encoded once. */
        final byte[] tenantText;
        final byte[] receivedText;
        final EventIds ids;
        /** The payload of one row, written by one generator for the whole import. */
        final Bytes payload = new Bytes();
        final JsonGenerator generator;
        final ExecutorService loading = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "event-import-loader");
            t.setDaemon(true);
            return t;
        });
        /** Two buffers: one is filled while the loader sends the other. */
        final CopyBuffer[] buffers = {new CopyBuffer(8 << 20), new CopyBuffer(8 << 20)};
        CopyBuffer current = buffers[0];
        Future<Long> inFlight;
        int inFlightRows;
        /** Days a batch already asked partitions for, and the new ones of the batch being filled. */
        final Set<Long> days = new HashSet<>();
        List<Long> newDays = new ArrayList<>();
        long lastDay = Long.MIN_VALUE;
        String lastTimeText;
        Instant lastTime;

        Run(UUID tenant, Instant received, Plan plan, Columns col, ImportReport report, Connection connection) {
            this.tenant = tenant;
            this.received = received;
            this.latest = received.plus(config.maxClockAhead());
            this.plan = plan;
            this.col = col;
            this.report = report;
            this.connection = connection;
            this.tenantText = tenant.toString().getBytes(StandardCharsets.US_ASCII);
            this.receivedText = received.toString().getBytes(StandardCharsets.US_ASCII);
            this.ids = new EventIds(tenant);
            try {
                this.generator = json.getFactory().createGenerator(payload).setRootValueSeparator(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void row(CsvRows rows) throws SQLException {
            try {
                stage(rows);
            } catch (BadRow bad) {
                report.bad(rows.line(), bad.getMessage());
            }
        }

        private void stage(CsvRows rows) throws BadRow, SQLException {
            String rawType = rows.get(col.type);
            if (rawType == null) {
                throw new BadRow("type: is empty");
            }
            String type = plan.type(rawType);
            if (type == null) {
                if (!plan.rejectUnknown) {
                    report.skipped();
                    return;
                }
                throw new BadRow("type: '" + rawType + "' is not one of the mapping's types"
                        + (plan.types == null ? " (none given: the contract's types)" : " " + plan.types.keySet()));
            }
            for (int c : col.identity) {
                String v = rows.get(c);
                if (v != null && v.indexOf('\0') >= 0) {
                    throw new BadRow("the row holds a NUL character, which cannot be stored");
                }
            }
            Instant at = time(rows.get(col.time));
            String session = rows.get(col.session);
            String user = get(rows, col.user);
            String anonymous = get(rows, col.anonymous);
            if (anonymous == null) {
                anonymous = user != null ? user : session;
            }
            ObjectNode event = NODES.objectNode();
            String givenId = get(rows, col.eventId);
            UUID eventId = givenId == null ? ids.next(rows, col.identity) : null;
            event.put("event_id", givenId != null ? givenId : eventId.toString());
            event.put("type", type);
            String timestamp = at.toString();
            event.put("timestamp", timestamp);
            put(event, "anonymous_id", anonymous);
            put(event, "session_id", session);
            put(event, "user_id", user);
            String url = get(rows, col.pageUrl);
            if (url != null) {
                event.putObject("page").put("url", url);
            }
            BigDecimal price = decimal(rows, col.price, "price");
            Integer quantity = quantity(rows);
            String itemId = get(rows, col.item);
            if (itemId != null) {
                ObjectNode item = event.putArray("items").addObject();
                item.put("item_id", itemId);
                put(item, "item_name", get(rows, col.itemName));
                put(item, "item_brand", get(rows, col.itemBrand));
                put(item, "item_category", get(rows, col.itemCategory));
                if (price != null) {
                    item.put("price", price);
                }
                if (quantity != null) {
                    item.put("quantity", quantity);
                }
            }
            BigDecimal value = decimal(rows, col.value, "value");
            if (value == null && price != null) {
                value = quantity == null ? price : price.multiply(BigDecimal.valueOf(quantity));
            }
            if (value != null) {
                event.put("value", value);
            }
            String currency = col.currency < 0 ? plan.currency : get(rows, col.currency);
            put(event, "currency", currency == null ? null : currency.toUpperCase(Locale.ROOT));
            put(event, "transaction_id", get(rows, col.transactionId));
            put(event, "search_term", get(rows, col.searchTerm));

            List<FieldError> errors = contract.validate(event);
            if (!errors.isEmpty()) {
                throw new BadRow(errors.stream().map(e -> e.field() + ": " + e.reason())
                        .collect(Collectors.joining("; ")));
            }
            if (eventId == null) {
                try {
                    eventId = UUID.fromString(givenId);
                } catch (IllegalArgumentException e) {
                    throw new BadRow("event_id: '" + givenId + "' is not a UUID");
                }
            }
            payload.reset();
            try {
                writePayload(event, generator);
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            current.utf8(tenantText, 0, tenantText.length).text(eventId.toString()).text(timestamp).text(type)
                    .text(session).text(anonymous).text(user).utf8(ORIGIN, 0, ORIGIN.length)
                    .utf8(receivedText, 0, receivedText.length).utf8(payload.buffer(), 0, payload.size()).endRow();
            long day = DayPartitions.dayOf(at);
            if (day != lastDay) {
                lastDay = day;
                if (days.add(day)) {
                    newDays.add(day);
                }
            }
            if (current.rows() >= BATCH_ROWS) {
                flush();
            }
        }

        /** The row's time; exports sorted by time repeat it, so the last one is remembered. */
        private Instant time(String text) throws BadRow {
            if (text == null) {
                throw new BadRow("time: is empty");
            }
            if (!text.equals(lastTimeText)) {
                try {
                    lastTime = plan.time.parse(text);
                } catch (RuntimeException e) {
                    throw new BadRow("time: '" + text + "' does not match the mapping's timestamp format");
                }
                lastTimeText = text;
            }
            if (lastTime.isAfter(latest)) {
                throw new BadRow("time: " + lastTime + " is more than " + config.maxClockAhead().toMinutes()
                        + " minutes in the future (the collector's clock-skew limit)");
            }
            return lastTime;
        }

        private Integer quantity(CsvRows rows) throws BadRow {
            String text = get(rows, col.quantity);
            if (text == null) {
                return null;
            }
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new BadRow("quantity: '" + text + "' is not a whole number");
            }
        }

        void finish() throws SQLException {
            flush();
            awaitLoaded();
        }

        /** Hands the filled buffer to the loader once the previous batch is stored. */
        void flush() throws SQLException {
            if (current.rows() == 0) {
                return;
            }
            awaitLoaded();
            CopyBuffer batch = current;
            List<Long> batchDays = newDays;
            newDays = new ArrayList<>();
            inFlightRows = batch.rows();
            inFlight = loading.submit(() -> load(batch, batchDays));
            current = batch == buffers[0] ? buffers[1] : buffers[0];
            current.clear();
        }

        /** On the loader thread: partitions for the batch's new days, then the batch's load in one transaction. */
        private long load(CopyBuffer batch, List<Long> batchDays) throws SQLException {
            DayPartitions.ensure(new PartitionMaintainer(dataSource, Clock.systemUTC()), batchDays);
            try {
                long inserted = loader.load(connection, batch);
                connection.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }

        private void awaitLoaded() throws SQLException {
            if (inFlight == null) {
                return;
            }
            try {
                long inserted = Loading.await(inFlight);
                report.records(inserted, inFlightRows - inserted);
            } finally {
                inFlight = null;
            }
        }

        /** Waits for the batch in flight (also after a failure, so the connection is free before it closes). */
        void close() {
            // Not cut short by an interrupt: the connection closes after this, and must not close under a COPY.
            boolean interrupted = false;
            while (inFlight != null) {
                try {
                    inFlight.get();
                    inFlight = null;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    LOG.debugf("The last batch failed too: %s", e.getCause());
                    inFlight = null;
                }
            }
            loading.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The event as its payload: without the fields of {@link #ENVELOPE}. */
    private static void writePayload(ObjectNode event, JsonGenerator out) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, JsonNode> field : event.properties()) {
            if (!ENVELOPE.contains(field.getKey())) {
                out.writeFieldName(field.getKey());
                write(field.getValue(), out);
            }
        }
        out.writeEndObject();
    }

    /**
     * Writes an event tree as JSON. The trees an import builds hold only objects, arrays, strings and numbers, and
     * walking them directly costs a fraction of the general serializer's lookups on every row.
     */
    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        if (node.isObject()) {
            out.writeStartObject();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                out.writeFieldName(field.getKey());
                write(field.getValue(), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(element, out);
            }
            out.writeEndArray();
        } else if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isBigDecimal()) {
            out.writeNumber(node.decimalValue());
        } else if (node.isInt()) {
            out.writeNumber(node.intValue());
        } else {
            throw new IllegalArgumentException("an import event holds no " + node.getNodeType());
        }
    }

    private static String get(CsvRows rows, int column) {
        return column < 0 ? null : rows.get(column);
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static BigDecimal decimal(CsvRows rows, int column, String field) throws BadRow {
        String text = get(rows, column);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new BadRow(field + ": '" + text + "' is not a number such as 12.50");
        }
    }

    /**
     * Event ids for rows without one: {@link UUID#nameUUIDFromBytes} (name-based, MD5) over the tenant and the row's
     * mapped values, and for the n-th repeat of an identical row in the file over those and n. The digest is reused
     * across rows; repeats are counted by the first 64 bits of the row's digest, where a collision only changes a
     * count, never makes two ids equal (the name still holds the whole row), and happens the same way on every
     * import of the file.
     */
    static final class EventIds {
        private final MessageDigest md5;
        private final byte[] tenant;
        private final Occurrences occurrences = new Occurrences();
        private byte[] name = new byte[512];
        private int size;

        EventIds(UUID tenant) {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.tenant = tenant.toString().getBytes(StandardCharsets.US_ASCII);
        }

        UUID next(CsvRows rows, int[] columns) {
            size = 0;
            append(tenant);
            for (int c : columns) {
                append((byte) 0x1f);
                String v = rows.get(c);
                if (v != null) {
                    append(v.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] d = digest(name, size);
            int before = occurrences.next(first8(d));
            if (before > 0) {
                append((byte) 0x1f);
                append(Integer.toString(before).getBytes(StandardCharsets.US_ASCII));
                d = digest(name, size);
            }
            return uuid(d);
        }

        private byte[] digest(byte[] bytes, int length) {
            md5.reset();
            md5.update(bytes, 0, length);
            return md5.digest();
        }

        /** Exactly what {@link UUID#nameUUIDFromBytes} makes of the bytes whose MD5 digest is {@code d}. */
        static UUID uuid(byte[] d) {
            d[6] &= 0x0f;
            d[6] |= 0x30;
            d[8] &= 0x3f;
            d[8] |= (byte) 0x80;
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (d[i] & 0xff);
                lsb = (lsb << 8) | (d[i + 8] & 0xff);
            }
            return new UUID(msb, lsb);
        }

        private void append(byte b) {
            if (size == name.length) {
                name = Arrays.copyOf(name, name.length * 2);
            }
            name[size++] = b;
        }

        private void append(byte[] bytes) {
            if (size + bytes.length > name.length) {
                name = Arrays.copyOf(name, Math.max(name.length * 2, size + bytes.length));
            }
            System.arraycopy(bytes, 0, name, size, bytes.length);
            size += bytes.length;
        }

        private static long first8(byte[] d) {
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        }
    }

    /** How often each row hash was seen: open addressing over primitive arrays (12 bytes a slot, half full). */
    static final class Occurrences {
        private long[] keys = new long[1 << 12];
        private int[] counts = new int[1 << 12];
        private int size;

        /** The count before this occurrence (0 the first time), then counts it. */
        int next(long key) {
            long k = key == 0 ? 1 : key; // 0 marks a free slot; folding it onto 1 only shares a count
            int mask = keys.length - 1;
            int i = (int) (mix(k) & mask);
            while (keys[i] != 0) {
                if (keys[i] == k) {
                    return counts[i]++;
                }
                i = (i + 1) & mask;
            }
            keys[i] = k;
            counts[i] = 1;
            if (++size * 2 > keys.length) {
                grow();
            }
            return 0;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldCounts = counts;
            keys = new long[oldKeys.length * 2];
            counts = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != 0) {
                    int i = (int) (mix(oldKeys[j]) & mask);
                    while (keys[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    counts[i] = oldCounts[j];
                }
            }
        }

        private static long mix(long k) {
            k ^= k >>> 33;
            k *= 0xff51afd7ed558ccdL;
            return k ^ (k >>> 33);
        }
    }
}
