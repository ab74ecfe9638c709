package io.shoppulse.common.partition;

import io.shoppulse.common.testing.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The partition convention against the real PostgreSQL, in a throw-away schema. */
class PartitionMaintainerTest {

    private static final Clock NOV_25 = Clock.fixed(Instant.parse("2026-11-25T23:59:00Z"), ZoneOffset.UTC);

    private PGSimpleDataSource dataSource;
    private String schema;

    @BeforeEach
    void createSchema() throws SQLException {
        dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[]{Platform.pgHost()});
        dataSource.setPortNumbers(new int[]{Platform.pgPort()});
        dataSource.setDatabaseName(Platform.pgDatabase());
        dataSource.setUser(Platform.get("SHOPPULSE_PG_ADMIN_USER", "postgres"));
        schema = "partition_test_" + Long.toHexString(System.nanoTime());
        sql("CREATE SCHEMA " + schema);
        sql("CREATE TABLE " + schema + ".events (tenant_id uuid NOT NULL, event_id uuid NOT NULL,"
                + " occurred_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, event_id, occurred_at))"
                + " PARTITION BY RANGE (occurred_at)");
        sql("CREATE TABLE " + schema + ".orders (order_id bigint NOT NULL, placed_at timestamptz NOT NULL)"
                + " PARTITION BY RANGE (placed_at)");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        sql("DROP SCHEMA " + schema + " CASCADE");
    }

    @Test
    void createsTheCurrentDayAndTheNextOnesOnceOnly() {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);

        PartitionMaintainer.Result first = maintainer.maintain(schema + ".events", Granularity.DAY, 2,
                OptionalInt.empty());
        PartitionMaintainer.Result second = maintainer.maintain(schema + ".events", Granularity.DAY, 2,
                OptionalInt.empty());

        assertThat(first.created()).containsExactly(schema + ".events_p20261125", schema + ".events_p20261126",
                schema + ".events_p20261127");
        assertThat(second.created()).isEmpty();
        assertThat(maintainer.partitions(schema + ".events")).hasSize(3);
    }

    @Test
    void rowsLandInThePartitionOfTheirUtcDay() throws SQLException {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);
        maintainer.maintain(schema + ".events", Granularity.DAY, 1, OptionalInt.empty());

        // 00:30 on the 26th in Berlin is still the 25th in UTC
        sql("INSERT INTO " + schema
                + ".events VALUES (gen_random_uuid(), gen_random_uuid(), '2026-11-26 00:30:00+01')");
        sql("INSERT INTO " + schema
                + ".events VALUES (gen_random_uuid(), gen_random_uuid(), '2026-11-26 00:00:00+00')");

        assertThat(query("SELECT tableoid::regclass::text FROM " + schema + ".events ORDER BY occurred_at"))
                .containsExactly(schema + ".events_p20261125", schema + ".events_p20261126");
    }

    @Test
    void aRowOutsideEveryPartitionIsRefusedNotHidden() {
        new PartitionMaintainer(dataSource, NOV_25).maintain(schema + ".events", Granularity.DAY, 0,
                OptionalInt.empty());

        assertThatThrownBy(() -> sql("INSERT INTO " + schema + ".events VALUES (gen_random_uuid(), gen_random_uuid(),"
                + " '2020-01-01 00:00:00+00')")).hasMessageContaining("no partition");
    }

    @Test
    void retentionDropsOnlyPartitionsOlderThanTheKeptOnes() {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);
        maintainer.ensureRange(schema + ".events", Granularity.DAY, Instant.parse("2026-11-20T00:00:00Z"),
                Instant.parse("2026-11-25T00:00:00Z"));

        PartitionMaintainer.Result result = maintainer.maintain(schema + ".events", Granularity.DAY, 1,
                OptionalInt.of(2));

        assertThat(result.dropped()).containsExactly(schema + ".events_p20261120", schema + ".events_p20261121",
                schema + ".events_p20261122");
        assertThat(maintainer.partitions(schema + ".events")).containsExactly("events_p20261123", "events_p20261124",
                "events_p20261125", "events_p20261126");
    }

    @Test
    void monthlyPartitionsCoverCalendarMonthsAndAnImportRange() {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);

        maintainer.maintain(schema + ".orders", Granularity.MONTH, 1, OptionalInt.empty());
        List<String> imported = maintainer.ensureRange(schema + ".orders", Granularity.MONTH,
                Instant.parse("2025-12-31T23:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

        assertThat(imported).containsExactly(schema + ".orders_p202512", schema + ".orders_p202601");
        assertThat(maintainer.partitions(schema + ".orders")).containsExactly("orders_p202512", "orders_p202601",
                "orders_p202611", "orders_p202612");
    }

    @Test
    void replicasRunningTogetherCreateEachPartitionOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<PartitionMaintainer.Result>> replicas = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                replicas.add(() -> new PartitionMaintainer(dataSource, NOV_25).maintain(schema + ".events",
                        Granularity.DAY, 5, OptionalInt.empty()));
            }
            int created = 0;
            for (Future<PartitionMaintainer.Result> result : pool.invokeAll(replicas)) {
                created += result.get().created().size();
            }
            assertThat(created).isEqualTo(6);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void givesEveryPartitionTheFillFactorAlsoOnesMadeBeforeAndOnlyOnce() throws SQLException {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);
        maintainer.maintain(schema + ".events", Granularity.DAY, 1, OptionalInt.empty());

        PartitionMaintainer.Result tuned = maintainer.maintain(schema + ".events", Granularity.DAY, 2,
                OptionalInt.empty(), OptionalInt.of(70));
        PartitionMaintainer.Result again = maintainer.maintain(schema + ".events", Granularity.DAY, 2,
                OptionalInt.empty(), OptionalInt.of(70));

        assertThat(tuned.created()).containsExactly(schema + ".events_p20261127");
        assertThat(tuned.refilled()).containsExactly(schema + ".events_p20261125", schema + ".events_p20261126",
                schema + ".events_p20261127");
        assertThat(again.refilled()).isEmpty();
        assertThat(query("SELECT c.relname || ' ' || array_to_string(c.reloptions, ',') FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + schema
                + "' AND c.relkind = 'r' ORDER BY 1")).containsExactly("events_p20261125 fillfactor=70",
                        "events_p20261126 fillfactor=70", "events_p20261127 fillfactor=70");
        assertThatThrownBy(() -> maintainer.maintain(schema + ".events", Granularity.DAY, 2, OptionalInt.empty(),
                OptionalInt.of(5))).hasMessageContaining("must be 10 to 100");
    }

    @Test
    void refusesTablesThatAreNotPartitionedOrNotPlainNames() throws SQLException {
        sql("CREATE TABLE " + schema + ".plain (id int)");
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, NOV_25);

        assertThatThrownBy(() -> maintainer.maintain(schema + ".plain", Granularity.DAY, 1, OptionalInt.empty()))
                .hasMessageContaining("not a partitioned table");
        assertThatThrownBy(() -> maintainer.partitions("events; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private List<String> query(String select) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
