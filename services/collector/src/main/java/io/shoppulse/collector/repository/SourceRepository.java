package io.shoppulse.collector.repository;

import io.shoppulse.collector.model.Source;
import io.shoppulse.collector.model.SourceKey;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The collector schema's sources table, in plain JDBC: a handful of statements do not need an ORM. */
@ApplicationScoped
public class SourceRepository {

    private static final String COLUMNS = "tenant_id, source_id, name, key_prefix, allowed_origins, created_at, rotated_at";

    private final DataSource dataSource;

    public SourceRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts a source; empty when the tenant already has a live source of that name. */
    public Optional<Source> insert(UUID tenantId, String name, byte[] keyHash, String keyPrefix,
            List<String> allowedOrigins, String createdBy) {
        String sql = "INSERT INTO sources (tenant_id, source_id, name, write_key_hash, key_prefix, allowed_origins, created_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) WHERE revoked_at IS NULL DO NOTHING"
                + " RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, UUID.randomUUID());
            ps.setString(3, name);
            ps.setBytes(4, keyHash);
            ps.setString(5, keyPrefix);
            ps.setArray(6, c.createArrayOf("text", allowedOrigins.toArray()));
            ps.setString(7, createdBy);
            return single(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create source", e);
        }
    }

    public List<Source> list(UUID tenantId) {
        String sql = "SELECT " + COLUMNS
                + " FROM sources WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, name";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            List<Source> sources = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sources.add(source(rs));
                }
            }
            return sources;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list sources", e);
        }
    }

    public Optional<Source> rotateKey(UUID tenantId, UUID sourceId, byte[] keyHash, String keyPrefix) {
        String sql = "UPDATE sources SET write_key_hash = ?, key_prefix = ?, rotated_at = now()"
                + " WHERE tenant_id = ? AND source_id = ? AND revoked_at IS NULL RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, keyHash);
            ps.setString(2, keyPrefix);
            ps.setObject(3, tenantId);
            ps.setObject(4, sourceId);
            return single(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot rotate key", e);
        }
    }

    /** Revokes a live source; false when the tenant has no such live source. */
    public boolean revoke(UUID tenantId, UUID sourceId) {
        String sql = "UPDATE sources SET revoked_at = now() WHERE tenant_id = ? AND source_id = ? AND revoked_at IS NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, sourceId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot revoke source", e);
        }
    }

    public Optional<SourceKey> findLiveByKeyHash(byte[] keyHash) {
        String sql = "SELECT tenant_id, source_id, allowed_origins FROM sources WHERE write_key_hash = ? AND revoked_at IS NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, keyHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SourceKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        strings(rs.getArray(3))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot look up write key", e);
        }
    }

    private static Optional<Source> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(source(rs)) : Optional.empty();
        }
    }

    private static Source source(ResultSet rs) throws SQLException {
        return new Source(rs.getObject("tenant_id", UUID.class), rs.getObject("source_id", UUID.class),
                rs.getString("name"), rs.getString("key_prefix"), strings(rs.getArray("allowed_origins")),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("rotated_at", OffsetDateTime.class));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
