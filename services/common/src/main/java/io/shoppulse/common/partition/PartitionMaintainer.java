package io.shoppulse.common.partition;

import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Keeps declaratively partitioned tables ready: creates the current and the next {@code premake} partitions, creates
 * any range an import asks for, and drops partitions past retention. Partitions are named {@code <table>_pYYYYMMDD}
 * (day) or {@code <table>_pYYYYMM} (month) and cover UTC bounds. There is deliberately no DEFAULT partition: a row
 * outside every partition fails loudly instead of landing where a later partition could no longer be attached.
 */
public final class PartitionMaintainer {

    private static final Logger LOG = Logger.getLogger(PartitionMaintainer.class);
    private static final Pattern QUALIFIED_NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

    private final DataSource dataSource;
    private final Clock clock;

    public PartitionMaintainer(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** What a run did: partitions created, dropped, and given the table's fill factor. */
    public record Result(List<String> created, List<String> dropped, List<String> refilled) {
    }

    /** Creates the current and upcoming partitions and applies retention, under a lock per table. */
    public Result maintain(String table, Granularity granularity, int premake, OptionalInt retain) {
        return maintain(table, granularity, premake, retain, OptionalInt.empty());
    }

    /**
     * As {@link #maintain(String, Granularity, int, OptionalInt)}, and gives every partition (also those made
     * elsewhere, e.g. for late data) the fill factor, when one is set. A partitioned table cannot carry a fill factor
     * itself; each partition must.
     */
    public Result maintain(String table, Granularity granularity, int premake, OptionalInt retain,
            OptionalInt fillfactor) {
        if (fillfactor.isPresent() && (fillfactor.getAsInt() < 10 || fillfactor.getAsInt() > 100)) {
            throw new IllegalArgumentException("the fill factor of " + table + " must be 10 to 100, not "
                    + fillfactor.getAsInt());
        }
        LocalDate current = granularity.startOf(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        return inLockedTransaction(table, connection -> {
            List<String> created = create(connection, table, granularity, current, granularity.plus(current,
                    premake + 1L));
            List<String> dropped = new ArrayList<>();
            if (retain.isPresent()) {
                dropped = dropBefore(connection, table, granularity, granularity.plus(current, -retain.getAsInt()));
            }
            List<String> refilled = new ArrayList<>();
            if (fillfactor.isPresent()) {
                refilled = refill(connection, table, fillfactor.getAsInt());
            }
            return new Result(created, dropped, refilled);
        });
    }

    /**
     * Sets the fill factor on every partition that lacks it. It applies to pages filled from now on; the lock it takes
     * (SHARE UPDATE EXCLUSIVE) lets reads and writes go on.
     */
    private List<String> refill(Connection connection, String table, int fillfactor) throws SQLException {
        List<String> refilled = new ArrayList<>();
        for (String name : children(connection, table, "fillfactor=" + fillfactor)) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("ALTER TABLE " + quoted(schema(table), name) + " SET (fillfactor = " + fillfactor + ")");
            }
            refilled.add(schema(table) + "." + name);
        }
        if (!refilled.isEmpty()) {
            LOG.infof("Fill factor %d set on %s", fillfactor, refilled);
        }
        return refilled;
    }

    /** Makes sure every partition covering {@code [from, to)} exists, e.g. before a historical import. */
    public List<String> ensureRange(String table, Granularity granularity, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("empty range: " + from + " .. " + to);
        }
        LocalDate first = granularity.startOf(LocalDate.ofInstant(from, ZoneOffset.UTC));
        LocalDate lastDay = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
        LocalDate end = granularity.plus(granularity.startOf(lastDay), 1);
        return inLockedTransaction(table, connection -> create(connection, table, granularity, first, end));
    }

    private List<String> create(Connection connection, String table, Granularity granularity, LocalDate from,
            LocalDate to) throws SQLException {
        List<String> created = new ArrayList<>();
        List<String> existing = partitions(connection, table);
        for (LocalDate start = from; start.isBefore(to); start = granularity.plus(start, 1)) {
            String name = relation(table) + "_p" + granularity.suffix(start);
            if (existing.contains(name)) {
                continue;
            }
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE " + quoted(schema(table), name) + " PARTITION OF " + quoted(table)
                        + " FOR VALUES FROM ('" + start + " 00:00:00+00') TO ('" + granularity.plus(start, 1)
                        + " 00:00:00+00')");
            }
            created.add(schema(table) + "." + name);
            LOG.infof("Created partition %s.%s", schema(table), name);
        }
        return created;
    }

    private List<String> dropBefore(Connection connection, String table, Granularity granularity, LocalDate cutoff)
            throws SQLException {
        String prefix = relation(table) + "_p";
        List<String> dropped = new ArrayList<>();
        for (String name : partitions(connection, table)) {
            String suffix = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
            if (suffix.length() != granularity.suffixLength() || !suffix.chars().allMatch(Character::isDigit)) {
                continue; // not one of ours: leave it alone
            }
            if (granularity.parseSuffix(suffix).isBefore(cutoff)) {
                try (Statement ddl = connection.createStatement()) {
                    ddl.execute("DROP TABLE " + quoted(schema(table), name));
                }
                dropped.add(schema(table) + "." + name);
                LOG.infof("Dropped partition %s.%s (retention)", schema(table), name);
            }
        }
        return dropped;
    }

    /** Names of the table's partitions, or a clear error if the table is not partitioned. */
    public List<String> partitions(String table) {
        try (Connection connection = dataSource.getConnection()) {
            return partitions(connection, table);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list partitions of " + table, e);
        }
    }

    private List<String> partitions(Connection connection, String table) throws SQLException {
        checkName(table);
        try (PreparedStatement kind = connection.prepareStatement("""
                SELECT count(*) FROM pg_partitioned_table pt
                JOIN pg_class c ON c.oid = pt.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ?""")) {
            kind.setString(1, schema(table));
            kind.setString(2, relation(table));
            try (ResultSet rs = kind.executeQuery()) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    throw new IllegalStateException(table + " is not a partitioned table");
                }
            }
        }
        return children(connection, table, null);
    }

    /** The partitions' names, only those without the storage option {@code lacking} when one is given. */
    private static List<String> children(Connection connection, String table, String lacking) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement children = connection.prepareStatement("""
                SELECT child.relname FROM pg_inherits i
                JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid
                JOIN pg_namespace n ON n.oid = parent.relnamespace
                WHERE n.nspname = ? AND parent.relname = ?
                AND (?::text IS NULL OR NOT coalesce(child.reloptions, '{}') @> ARRAY[?::text])
                ORDER BY child.relname""")) {
            children.setString(1, schema(table));
            children.setString(2, relation(table));
            children.setString(3, lacking);
            children.setString(4, lacking);
            try (ResultSet rs = children.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inLockedTransaction(String table, Work<T> work) {
        checkName(table);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                // Replicas of a service run this job too; one at a time per table.
                try (PreparedStatement lock = connection
                        .prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "partitions:" + table);
                    lock.execute();
                }
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Partition maintenance of " + table + " failed: " + e.getMessage(), e);
        }
    }

    private static void checkName(String table) {
        if (!QUALIFIED_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("Expected a lower-case schema.table name, got: " + table);
        }
    }

    private static String schema(String table) {
        return table.substring(0, table.indexOf('.'));
    }

    private static String relation(String table) {
        return table.substring(table.indexOf('.') + 1);
    }

    private static String quoted(String table) {
        return quoted(schema(table), relation(table));
    }

    private static String quoted(String schema, String relation) {
        return '"' + schema + "\".\"" + relation + '"';
    }
}
