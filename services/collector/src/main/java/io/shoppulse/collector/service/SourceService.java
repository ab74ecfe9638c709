package io.shoppulse.collector.service;

import io.shoppulse.collector.model.IssuedKey;
import io.shoppulse.collector.model.NewSource;
import io.shoppulse.collector.model.Source;
import io.shoppulse.collector.repository.SourceRepository;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Creating, listing, rotating and revoking a tenant's sources and their write keys. */
@ApplicationScoped
public class SourceService {

    private final SourceRepository repository;
    private final WriteKeys writeKeys;

    public SourceService(SourceRepository repository, WriteKeys writeKeys) {
        this.repository = repository;
        this.writeKeys = writeKeys;
    }

    public IssuedKey create(UUID tenantId, NewSource request, String createdBy) {
        if (request == null) {
            throw ProblemException.badRequest("body", "a JSON object with name and allowed_origins is required");
        }
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 200) {
            errors.add(new FieldError("name", "must be 1 to 200 characters"));
        }
        List<String> origins = request.allowedOrigins() == null ? List.of() : request.allowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            if (!isOrigin(origins.get(i))) {
                errors.add(new FieldError("allowed_origins[" + i + "]",
                        "must be an origin such as https://shop.example.com (scheme, host, optional port; no path)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The source is not valid.", errors);
        }
        String key = writeKeys.generate();
        Source source = repository.insert(tenantId, name, WriteKeys.hash(key), WriteKeys.displayPrefix(key), origins,
                createdBy).orElseThrow(
                        () -> ProblemException.conflict("A source named '" + name
                                + "' already exists; rotate its key or choose another name."));
        return new IssuedKey(source, key);
    }

    public List<Source> list(UUID tenantId) {
        return repository.list(tenantId);
    }

    public IssuedKey rotate(UUID tenantId, UUID sourceId) {
        String key = writeKeys.generate();
        Source source = repository.rotateKey(tenantId, sourceId, WriteKeys.hash(key), WriteKeys.displayPrefix(key))
                .orElseThrow(() -> ProblemException.notFound("No live source " + sourceId + " in your tenant."));
        writeKeys.forgetCached();
        return new IssuedKey(source, key);
    }

    public void revoke(UUID tenantId, UUID sourceId) {
        if (!repository.revoke(tenantId, sourceId)) {
            throw ProblemException.notFound("No live source " + sourceId + " in your tenant.");
        }
        writeKeys.forgetCached();
    }

    static boolean isOrigin(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }
}
