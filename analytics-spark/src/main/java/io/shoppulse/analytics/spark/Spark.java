package io.shoppulse.analytics.spark;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.stream.LocalCheckpointFileSystem;
import org.apache.spark.sql.SparkSession;

/** The Spark session every job runs in: local mode by default, a cluster's master when configured. */
public final class Spark {

    private Spark() {
    }

    public static SparkSession session(JobConfig config, String appName) {
        return SparkSession.builder().appName(appName).master(config.master())
                .config("spark.sql.shuffle.partitions", config.shufflePartitions())
                .config("spark.sql.session.timeZone", "UTC")
                // RocksDB keeps session state off the JVM heap and commits it incrementally.
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                .config("spark.sql.streaming.noDataMicroBatches.enabled", "true")
                .config("spark.sql.streaming.pollingDelay", config.idlePoll().toMillis() + "ms")
                // Checkpoints through Hadoop's FileSystem API, whose local file system is ours: see
                // LocalCheckpointFileSystem (the default FileContext API also starts a readlink process per rename).
                .config("spark.sql.streaming.checkpointFileManagerClass",
                        "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager")
                .config("spark.hadoop.fs.file.impl", LocalCheckpointFileSystem.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }
}
