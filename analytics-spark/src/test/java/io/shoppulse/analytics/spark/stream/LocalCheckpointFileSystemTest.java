package io.shoppulse.analytics.spark.stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The checkpoints' local file system sets permissions itself and otherwise behaves as Hadoop's. */
class LocalCheckpointFileSystemTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void writesRenamesAndSetsPermissionsInProcess() throws Exception {
        try (LocalCheckpointFileSystem fs = new LocalCheckpointFileSystem()) {
            fs.initialize(URI.create("file:///"), new Configuration());
            Path file = new Path(dir.toUri().toString(), "offsets/.0.tmp");
            try (FSDataOutputStream out = fs.create(file, true)) {
                out.writeBytes("v1\n{}");
            }
            fs.setPermission(file, new FsPermission((short) 0640));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("offsets/.0.tmp"))))
                    .isEqualTo("rw-r-----");

            Path done = new Path(dir.toUri().toString(), "offsets/0");
            assertThat(fs.rename(file, done)).isTrue();
            assertThat(Files.readString(dir.resolve("offsets/0"))).isEqualTo("v1\n{}");
            // Hadoop's checksum file goes along with it.
            assertThat(dir.resolve("offsets/.0.crc")).exists();
        }
    }
}
