package io.shoppulse.analytics.spark.traffic;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.streaming.ExpiredTimerInfo;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

import java.time.Duration;
import java.util.List;

/**
 * The streaming sessionizer on transformWithState: each (tenant, session) keeps its open session in a value state
 * and one event-time timer at its end (last event plus the gap). A timer fires once the watermark passes it, and
 * only the sessions that end are read: unlike flatMapGroupsWithState, whose timeouts are found by reading every
 * session in the state store each micro-batch, the cost of a batch follows its events, not the open sessions.
 */
public final class SessionProcessor extends StatefulProcessor<String, TrafficEvent, TrafficRecord> {

    private final Sessionizer sessions;
    private transient ValueState<SessionState> open;

    public SessionProcessor(Duration gap) {
        this.sessions = new Sessionizer(gap, false);
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
        open = getHandle().getValueState("session", Encoders.bean(SessionState.class), TTLConfig.NONE());
    }

    @Override
    public Iterator<TrafficRecord> handleInputRows(String key, Iterator<TrafficEvent> rows, TimerValues timers) {
        SessionState before = Sessionizer.DEAD.equals(key) || !open.exists() ? null : open.get();
        Sessionizer.Step step = sessions.fold(key, CollectionConverters.asJava(rows), before);
        SessionState after = step.session();
        if (after == null) {
            if (before != null) {
                getHandle().deleteTimer(before.getTimerAt());
                open.clear();
            }
        } else {
            // Never at or before the watermark: a timer there would fire in this very batch.
            long endsAt = Math.max(sessions.endsAt(after), timers.getCurrentWatermarkInMs() + 1);
            if (before == null || before.getTimerAt() != endsAt) {
                if (before != null) {
                    getHandle().deleteTimer(before.getTimerAt());
                }
                getHandle().registerTimer(endsAt);
            }
            after.setTimerAt(endsAt);
            open.update(after);
        }
        return iterator(step.out());
    }

    @Override
    public Iterator<TrafficRecord> handleExpiredTimer(String key, TimerValues timers, ExpiredTimerInfo expired) {
        if (!open.exists()) {
            return iterator(List.of());
        }
        SessionState ended = open.get();
        open.clear();
        return iterator(sessions.expire(ended));
    }

    private static Iterator<TrafficRecord> iterator(List<TrafficRecord> records) {
        return CollectionConverters.asScala(records.iterator());
    }
}
