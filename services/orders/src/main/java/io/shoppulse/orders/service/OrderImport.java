package io.shoppulse.orders.service;

import io.shoppulse.common.jdbc.Transactions;
import io.shoppulse.common.imports.CsvRows;
import io.shoppulse.common.imports.CsvSettings;
import io.shoppulse.common.imports.ImportException;
import io.shoppulse.common.imports.ImportReport;
import io.shoppulse.common.imports.Loading;
import io.shoppulse.common.imports.TimestampFormat;
import io.shoppulse.common.partition.Granularity;
import io.shoppulse.common.partition.PartitionMaintainer;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderImportMapping;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.RefundOrder;
import io.shoppulse.orders.model.Transition;
import io.shoppulse.orders.repository.OrderBulkLoader;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A historical import of a shop's order export: one CSV row per order line. Each order is put together from its
 * rows and goes through the same {@link OrderRules} as a live order (every broken field named), then is loaded in
 * bulk, idempotently by the shop's order id: a file imported twice changes nothing. Bad rows are reported with their
 * line and reason, and the import goes on.
 * <p>
 * Rows of one order are expected near each other, as exports write them; an order is complete once
 * {@value #OPEN_ORDERS} other orders have had a row since its last one, so the rows held in memory stay bounded
 * (only the ids of complete orders are kept, some tens of bytes each, to recognise one that comes back). A row
 * of an order that was already complete is reported, never silently dropped or merged.
 */
@ApplicationScoped
public class OrderImport {

    static final int OPEN_ORDERS = 20_000;
    /** Batches loaded at once, each by its own connection: PostgreSQL works on both while the file is read. */
    private static final int LOADERS = 2;
    private static final int BATCH_LINES = 20_000;
    private static final Logger LOG = Logger.getLogger(OrderImport.class);
    private static final Map<String, String> COUNTRY_NAMES = countryNames();

    private final DataSource dataSource;
    private final OrderRules rules;
    private final OrderService orders;
    private final OrderBulkLoader loader;
    private final ExecutorService statistics = Executors
            .newSingleThreadExecutor(r -> new Thread(r, "order-import-statistics"));

    public OrderImport(DataSource dataSource, OrderRules rules, OrderService orders, OrderBulkLoader loader) {
        this.dataSource = dataSource;
        this.rules = rules;
        this.orders = orders;
        this.loader = loader;
    }

    public ImportReport.Summary run(UUID tenant, InputStream csv, OrderImportMapping mapping) {
        Plan plan = Plan.of(mapping);
        ImportReport report = new ImportReport();
        ExecutorService loading = Executors.newFixedThreadPool(LOADERS, r -> new Thread(r, "order-import-loader"));
        try (CsvRows rows = new CsvRows(csv, plan.csv);
                Connection first = dataSource.getConnection();
                Connection second = dataSource.getConnection()) {
            BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(LOADERS);
            for (Connection c : List.of(first, second)) {
                c.setAutoCommit(false);
                loader.prepare(c);
                c.commit();
                connections.add(c);
            }
            Run run = new Run(tenant, plan, plan.columns(rows), report, connections, loading);
            try {
                while (rows.next()) {
                    report.read();
                    run.row(rows);
                }
                run.finish();
            } finally {
                run.quiesce(); // no loader may still use a connection once it goes back to the pool
            }
            for (Deferred d : run.deferred) {
                refundLater(tenant, d, report);
            }
            analyzeLater(run.filled);
        } catch (IOException e) {
            throw new ImportException("file", "could not be read: " + e.getMessage());
        } catch (SQLException e) {
            throw new Transactions.StorageException(e);
        } finally {
            loading.shutdownNow();
        }
        return report.summary();
    }

    /**
     * Fresh statistics for the partitions an import filled, after it answered: after a bulk load the planner's row
     * counts are far off, and a server without autovacuum would never correct them. It takes seconds on large
     * partitions, so the import does not wait for it.
     */
    private void analyzeLater(Set<YearMonth> months) {
        if (months.isEmpty()) {
            return;
        }
        Set<YearMonth> filled = Set.copyOf(months);
        statistics.execute(() -> {
            long started = System.nanoTime();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE order_keys");
                for (YearMonth month : filled) {
                    String suffix = String.format(Locale.ROOT, "_p%04d%02d", month.getYear(), month.getMonthValue());
                    s.execute("ANALYZE orders" + suffix + ", order_lines" + suffix);
                }
                LOG.infof("Import: statistics of %d months refreshed in %d ms", filled.size(),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (SQLException e) {
                LOG.warnf("Import: could not refresh statistics (the planner keeps its old row counts): %s", e);
            }
        });
    }

    @PreDestroy
    void stop() {
        statistics.shutdownNow();
    }

    /** A return whose order was complete (or is not in this file): applied as a refund once everything is loaded. */
    private void refundLater(UUID tenant, Deferred d, ImportReport report) {
        try {
            Order before = orders.get(tenant, d.orderId);
            Order after = orders.refundImported(tenant, d.orderId, d.refund());
            report.record(after.version() != before.version(), 1);
        } catch (ProblemException e) {
            report.bad(d.line, (e.status() == 404
                    ? "returns units of order " + d.orderId
                            + ", which is neither in this file nor in the shop"
                    : "return of order " + d.orderId + ": "
                            + describe(e)));
        }
    }

    /** The mapping, checked once: which fields come from where, and what the rules mean. */
    private record Plan(CsvSettings csv, OrderImportMapping.Columns columns, String currency,
            TimestampFormat.Parser time, Map<String, String> countries, String returns, String cancelPrefix,
            String cancelAction, OrderStatus status) {

        static Plan of(OrderImportMapping m) {
            OrderImportMapping.Columns c = m.columns();
            if (c == null) {
                throw new ImportException("mapping.columns", "is required");
            }
            require(c.orderId(), "order_id");
            require(c.placedAt(), "placed_at");
            require(c.sku(), "sku");
            require(c.quantity(), "quantity");
            require(c.unitPrice(), "unit_price");
            if (c.currency() == null && (m.currency() == null || m.currency().isBlank())) {
                throw new ImportException("mapping.currency", "is required when no column holds the currency");
            }
            String returns = oneOf("mapping.returns", m.returns(), "refund", "refund", "skip", "reject");
            String prefix = m.cancellations() == null ? null : m.cancellations().prefix();
            String action = m.cancellations() == null
                    ? "refund"
                    : oneOf("mapping.cancellations.action", m.cancellations().action(), "refund", "refund", "skip",
                            "reject");
            if (m.cancellations() != null && (prefix == null || prefix.isEmpty())) {
                throw new ImportException("mapping.cancellations.prefix", "is required");
            }
            String statusName = oneOf("mapping.status", m.status(), "delivered", "placed", "paid", "shipped",
                    "delivered");
            Map<String, String> countries = new HashMap<>(COUNTRY_NAMES);
            if (m.countries() != null) {
                m.countries().forEach((name, code) -> countries.put(name.toLowerCase(Locale.ROOT), code));
            }
            TimestampFormat format = m.timestamp() == null ? new TimestampFormat("iso", "UTC") : m.timestamp();
            return new Plan(m.csv() == null ? CsvSettings.DEFAULT : m.csv(), c, m.currency(),
                    format.parser("mapping.timestamp"), countries, returns, prefix, action,
                    OrderStatus.of(statusName));
        }

        Columns columns(CsvRows rows) {
            return new Columns(rows.column("order_id", columns.orderId()),
                    rows.column("placed_at", columns.placedAt()), optional(rows, "customer_id", columns.customerId()),
                    rows.column("sku", columns.sku()), optional(rows, "name", columns.name()),
                    rows.column("quantity", columns.quantity()), rows.column("unit_price", columns.unitPrice()),
                    optional(rows, "discount", columns.discount()), optional(rows, "currency", columns.currency()),
                    optional(rows, "country", columns.country()));
        }

        private static int optional(CsvRows rows, String field, String name) {
            return name == null ? -1 : rows.column(field, name);
        }

        private static void require(String column, String field) {
            if (column == null || column.isBlank()) {
                throw new ImportException("mapping.columns." + field, "is required: the column holding it");
            }
        }

        private static String oneOf(String field, String value, String fallback, String... allowed) {
            if (value == null) {
                return fallback;
            }
            for (String a : allowed) {
                if (a.equals(value)) {
                    return value;
                }
            }
            throw new ImportException(field, "must be one of " + String.join(", ", allowed));
        }
    }

    private record Columns(int orderId, int placedAt, int customerId, int sku, int name, int quantity, int unitPrice,
            int discount, int currency, int country) {
    }

    /**
     * A returned quantity. Its refund id comes from what it is (order, SKU, quantity, time, and how many identical
     * returns came before it in the file), not from its line: the same return in a later, longer export is the same
     * refund, and a different return on the same line number is not.
     */
    private record Return(String sku, int quantity, Instant at, long line, String refundId) {
    }

    /** A batch being loaded, with the row count of each of its orders. */
    private record InFlight(Future<Set<String>> created, List<OrderBulkLoader.Loadable> batch,
            Map<String, Integer> rows, Map<String, List<Return>> returns) {
    }

    private record Deferred(String orderId, Return r, long line) {
        RefundOrder refund() {
            return new RefundOrder(r.refundId, r.at, List.of(new RefundOrder.Line(r.sku, r.quantity)), null);
        }
    }

    /** An order whose rows are still being read. */
    private static final class Pending {
        final String orderId;
        final Instant placedAt;
        final String currency;
        final String customerId;
        final String country;
        final List<PlaceOrder.Line> lines = new ArrayList<>();
        final List<Long> lineRows = new ArrayList<>();
        final List<Return> returns = new ArrayList<>();

        Pending(String orderId, Instant placedAt, String currency, String customerId, String country) {
            this.orderId = orderId;
            this.placedAt = placedAt;
            this.currency = currency;
            this.customerId = customerId;
            this.country = country;
        }
    }

    /** The state of one import while it reads the file. */
    private final class Run {
        final UUID tenant;
        final Plan plan;
        final Columns col;
        final ImportReport report;
        final BlockingQueue<Connection> connections;
        /** In access order: the eldest is the order whose last row is furthest back. */
        final LinkedHashMap<String, Pending> open = new LinkedHashMap<>(1024, 0.75f, true);
        final Map<String, Integer> returnsSeen = new HashMap<>();
        final Set<String> complete = new HashSet<>();
        final List<Deferred> deferred = new ArrayList<>();
        final List<OrderBulkLoader.Loadable> batch = new ArrayList<>();
        final Map<String, Integer> batchRows = new HashMap<>();
        /** The returns each order of the batch got in the file, in case the order turns out to be there already. */
        final Map<String, List<Return>> batchReturns = new HashMap<>();
        final Set<YearMonth> months = new HashSet<>();
        final Set<YearMonth> ensured = new HashSet<>();
        /** Months that got new orders. */
        final Set<YearMonth> filled = new HashSet<>();
        final ExecutorService loading;
        final Deque<InFlight> inFlight = new ArrayDeque<>();
        int batchLines;
        String lastTime;
        Instant lastAt;

        Run(UUID tenant, Plan plan, Columns col, ImportReport report, BlockingQueue<Connection> connections,
                ExecutorService loading) {
            this.loading = loading;
            this.tenant = tenant;
            this.plan = plan;
            this.col = col;
            this.report = report;
            this.connections = connections;
        }

        void row(CsvRows rows) throws SQLException {
            long line = rows.line();
            String orderId = rows.get(col.orderId);
            if (orderId == null) {
                report.bad(line, "order_id: is empty");
                return;
            }
            String sku = rows.get(col.sku);
            int quantity;
            Instant at;
            try {
                quantity = Integer.parseInt(strip(rows.get(col.quantity)));
            } catch (NumberFormatException e) {
                report.bad(line, "quantity: '" + rows.get(col.quantity) + "' is not a whole number");
                return;
            }
            String time = rows.get(col.placedAt);
            if (time != null && time.equals(lastTime)) {
                at = lastAt; // the lines of an order share its time: parse it once
            } else {
                try {
                    at = plan.time.parse(time);
                } catch (RuntimeException e) {
                    report.bad(line, "placed_at: '" + time + "' does not match the mapping's timestamp format");
                    return;
                }
                lastTime = time;
                lastAt = at;
            }
            if (sku == null) {
                report.bad(line, "sku: is empty");
                return;
            }
            if (hasNul(orderId, sku, rows.get(col.name), rows.get(col.customerId))) {
                report.bad(line, "a field holds a NUL character, which text cannot hold");
                return;
            }
            boolean cancellation = plan.cancelPrefix != null && orderId.startsWith(plan.cancelPrefix)
                    && orderId.length() > plan.cancelPrefix.length();
            if (cancellation || quantity < 0) {
                String rule = cancellation ? plan.cancelAction : plan.returns;
                switch (rule) {
                    case "skip" -> report.skipped();
                    case "reject" -> report.bad(line, cancellation
                            ? "order_id: " + orderId
                                    + " is a cancellation, which the mapping rejects"
                            : "quantity: returns are rejected");
                    default -> {
                        String target = cancellation ? orderId.substring(plan.cancelPrefix.length()) : orderId;
                        String identity = target + '\u0000' + sku + '\u0000' + Math.abs(quantity) + '\u0000' + at;
                        int seen = returnsSeen.merge(identity, 1, Integer::sum);
                        String refundId = "import-" + UUID.nameUUIDFromBytes((identity + '\u0000' + seen)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        addReturn(target, new Return(sku, Math.abs(quantity), at, line, refundId));
                    }
                }
                return;
            }
            if (quantity == 0) {
                report.bad(line, "quantity: must not be 0");
                return;
            }
            BigDecimal price;
            BigDecimal discount;
            try {
                price = new BigDecimal(strip(rows.get(col.unitPrice)));
                discount = col.discount < 0 || rows.get(col.discount) == null
                        ? null
                        : new BigDecimal(strip(rows.get(col.discount)));
            } catch (NumberFormatException | NullPointerException e) {
                report.bad(line, "unit_price or discount: is not a decimal number such as 12.50");
                return;
            }
            String currency = col.currency < 0 ? plan.currency : rows.get(col.currency);
            Pending order = open.get(orderId);
            if (order == null) {
                if (complete.contains(orderId)) {
                    report.bad(line, "order_id: the rows of order " + orderId + " are not together in the file;"
                            + " this one comes after " + OPEN_ORDERS + " other orders (sort the export by order)");
                    return;
                }
                order = new Pending(orderId, at, currency, rows.get(col.customerId), country(rows.get(col.country)));
                open.put(orderId, order);
                if (open.size() > OPEN_ORDERS) {
                    Iterator<Pending> eldest = open.values().iterator();
                    Pending done = eldest.next();
                    eldest.remove();
                    complete(done);
                }
            } else if (currency == null ? order.currency != null : !currency.equals(order.currency)) {
                report.bad(line, "currency: " + currency + " differs from the order's earlier rows ("
                        + order.currency + ")");
                return;
            }
            order.lines.add(new PlaceOrder.Line(sku, rows.get(col.name), quantity, price, discount));
            order.lineRows.add(line);
        }

        void addReturn(String orderId, Return r) {
            Pending order = open.get(orderId);
            if (order != null) {
                order.returns.add(r);
            } else {
                deferred.add(new Deferred(orderId, r, r.line));
            }
        }

        void finish() throws SQLException {
            for (Pending p : open.values()) {
                complete(p);
            }
            open.clear();
            flush();
            awaitAll();
        }

        /** Validates the order as a live one, moves it to the mapping's status, applies its returns. */
        void complete(Pending p) throws SQLException {
            complete.add(p.orderId);
            Order order;
            try {
                order = rules.newOrder(new PlaceOrder(p.orderId, p.placedAt, p.currency, p.customerId, null, null,
                        p.country, p.lines, null, null));
            } catch (ProblemException e) {
                String reason = "order " + p.orderId + ": " + describe(e);
                p.lineRows.forEach(l -> report.bad(l, reason));
                p.returns.forEach(r -> report.bad(r.line, reason));
                return;
            }
            for (OrderStatus step : List.of(OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)) {
                if (order.status() == plan.status) {
                    break;
                }
                order = rules.transition(order, step, new Transition(p.placedAt, null));
            }
            List<OrderRules.Refund> refunds = new ArrayList<>();
            List<Return> applied = new ArrayList<>();
            int rows = p.lineRows.size();
            for (Return r : p.returns) {
                try {
                    OrderRules.Refund refund = rules.refund(order, new RefundOrder(r.refundId, r.at,
                            List.of(new RefundOrder.Line(r.sku, r.quantity)), null));
                    order = refund.order();
                    refunds.add(refund);
                    applied.add(r);
                    rows++;
                } catch (ProblemException e) {
                    report.bad(r.line, "return of order " + p.orderId + ": " + describe(e));
                }
            }
            batch.add(new OrderBulkLoader.Loadable(order, refunds));
            batchRows.put(p.orderId, rows);
            if (!applied.isEmpty()) {
                batchReturns.put(p.orderId, applied);
            }
            months.add(YearMonth.from(order.placedAt().atZone(ZoneOffset.UTC)));
            batchLines += order.lines().size();
            if (batchLines >= BATCH_LINES) {
                flush();
            }
        }

        /**
         * Hands the batch to a loader thread and goes on reading while the database takes it: reading and loading
         * overlap, {@value #LOADERS} batches in flight at most. The oldest batch's outcome is recorded first.
         */
        void flush() throws SQLException {
            if (batch.isEmpty()) {
                return;
            }
            if (inFlight.size() == LOADERS) {
                awaitOldest();
            }
            // Here, not in the loaders: a month's partition must exist before any batch with rows in it is loaded.
            months.removeAll(ensured);
            if (!months.isEmpty()) {
                // Attaching a partition locks the parent table: never while a batch holds it open (live orders
                // would queue behind both).
                awaitAll();
            }
            ensurePartitions(months);
            ensured.addAll(months);
            List<OrderBulkLoader.Loadable> toLoad = List.copyOf(batch);
            Future<Set<String>> created = loading.submit(() -> {
                Connection connection = connections.take();
                try {
                    Set<String> claimed = loader.load(connection, tenant, toLoad);
                    connection.commit();
                    return claimed;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connections.add(connection);
                }
            });
            inFlight.add(new InFlight(created, toLoad, new HashMap<>(batchRows), new HashMap<>(batchReturns)));
            batchReturns.clear();
            batch.clear();
            batchRows.clear();
            months.clear();
            batchLines = 0;
        }

        /** Waits for every batch in flight, whatever its outcome (after a failure). */
        void quiesce() {
            for (InFlight f : inFlight) {
                try {
                    f.created.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    // its failure has been or will be reported by the caller's own error
                }
            }
        }

        void awaitAll() throws SQLException {
            while (!inFlight.isEmpty()) {
                awaitOldest();
            }
        }

        /** Waits for the oldest batch in flight and counts which of its orders were new. */
        void awaitOldest() throws SQLException {
            InFlight oldest = inFlight.removeFirst();
            Set<String> created = Loading.await(oldest.created);
            for (OrderBulkLoader.Loadable l : oldest.batch) {
                boolean isNew = created.contains(l.order().orderId());
                List<Return> returns = oldest.returns.getOrDefault(l.order().orderId(), List.of());
                if (isNew || returns.isEmpty()) {
                    report.record(isNew, oldest.rows.get(l.order().orderId()));
                } else {
                    // The order was there already (an earlier, shorter export): its returns may be new. They are
                    // applied like returns of an order loaded before, idempotently by their refund id.
                    report.record(false, oldest.rows.get(l.order().orderId()) - returns.size());
                    returns.forEach(r -> deferred.add(new Deferred(l.order().orderId(), r, r.line)));
                }
                if (isNew) {
                    filled.add(YearMonth.from(l.order().placedAt().atZone(ZoneOffset.UTC)));
                }
            }
        }

        /** Months of the batch with no partition yet get one (history older than the live partitions). */
        void ensurePartitions(Set<YearMonth> newMonths) {
            if (newMonths.isEmpty()) {
                return;
            }
            PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, Clock.systemUTC());
            for (YearMonth month : newMonths) {
                Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                maintainer.ensureRange("orders.orders", Granularity.MONTH, from, to);
                maintainer.ensureRange("orders.order_lines", Granularity.MONTH, from, to);
            }
            LOG.debugf("Import: partitions ready for %d more months", newMonths.size());
        }

        private String country(String value) {
            if (value == null) {
                return null;
            }
            if (value.length() == 2 && value.chars().allMatch(Character::isLetter)) {
                return value.toUpperCase(Locale.ROOT);
            }
            String code = plan.countries.get(value.toLowerCase(Locale.ROOT));
            return code == null || code.isBlank() ? null : code; // an unknown name is left out, not guessed
        }
    }

    private static boolean hasNul(String... values) {
        for (String v : values) {
            if (v != null && v.indexOf('\u0000') >= 0) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String value) {
        return value == null ? null : value.trim();
    }

    private static String describe(ProblemException e) {
        if (e.errors().isEmpty()) {
            return e.getMessage();
        }
        return e.errors().stream().map(f -> f.field() + ": " + f.reason()).collect(Collectors.joining("; "));
    }

    /** English country names (and "UK", "USA") to ISO 3166-1 alpha-2 codes, lower-cased. */
    private static Map<String, String> countryNames() {
        Map<String, String> names = new HashMap<>();
        for (String code : Locale.getISOCountries()) {
            names.put(new Locale("", code).getDisplayCountry(Locale.ENGLISH).toLowerCase(Locale.ROOT), code);
        }
        names.put("uk", "GB");
        names.put("usa", "US");
        names.put("eire", "IE");
        return names;
    }
}
