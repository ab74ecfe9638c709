package io.shoppulse.common.imports;

import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;

import java.util.List;

/** The mapping or the file as a whole cannot be imported (not one bad row: those are reported and skipped). */
public class ImportException extends ProblemException {

    public ImportException(String field, String reason) {
        super(400, "invalid-import", "Import refused", field + " " + reason, List.of(new FieldError(field, reason)),
                null);
    }
}
